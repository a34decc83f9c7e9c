{{/* Name of the chart (or nameOverride). */}}
{{- define "ses-mre-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart, or the release name when it already contains the chart name. */}}
{{- define "ses-mre-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart-version, for the helm.sh/chart label. */}}
{{- define "ses-mre-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels of every object. */}}
{{- define "ses-mre-operator.labels" -}}
helm.sh/chart: {{ include "ses-mre-operator.chart" . }}
{{ include "ses-mre-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: ses-mre-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the operator's pods (immutable in the Deployment selector). */}}
{{- define "ses-mre-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ses-mre-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* ServiceAccount the operator runs as. */}}
{{- define "ses-mre-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ses-mre-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference; the tag defaults to the chart's appVersion. */}}
{{- define "ses-mre-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* "true" when extraEnv defines the variable named in .name (so the chart does not set it twice). */}}
{{- define "ses-mre-operator.extraEnvHas" -}}
{{- $found := false }}
{{- range .root.Values.extraEnv }}
{{- if eq .name $.name }}{{ $found = true }}{{ end }}
{{- end }}
{{- $found }}
{{- end }}

{{/*
The rules the operator needs on its resources (and nothing else): read and patch MultiRegionEndpoints (finalizers
go in and out by JSON patch), patch their status, and record Events (aggregated: created once, then patched).
Only the verbs the operator sends: the e2e suite runs the operator under exactly these rules.
*/}}
{{- define "ses-mre-operator.rules" -}}
- apiGroups: ["ses.mre.dev"]
  resources: ["multiregionendpoints"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["ses.mre.dev"]
  resources: ["multiregionendpoints/status"]
  verbs: ["patch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["get", "create", "patch"]
{{- if .Values.operator.export.enabled }}
{{- /* spec.export: GET the ConfigMap of that name, create it, update one the operator created (owned by the
object). No list/watch (no informer), no delete (the garbage collector deletes it with its owner). */}}
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "create", "update"]
{{- end }}
{{- end }}

{{/* Fails rendering on combinations the schema cannot express. */}}
{{- define "ses-mre-operator.validate" -}}
{{- if and .Values.deployment.enabled (not .Values.image.repository) }}
{{- fail "image.repository is required with deployment.enabled=true: no public image of ses-mre-operator is published; build it (make image), push it to a registry your nodes pull from and set image.repository (and image.tag unless it is the chart's appVersion); see the chart README, section Image" }}
{{- end }}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicaCount > 1 requires leaderElection.enabled=true: without it every replica would reconcile the same objects" }}
{{- end }}
{{- if and (not .Values.serviceAccount.create) (not .Values.serviceAccount.name) }}
{{- fail "serviceAccount.create=false requires serviceAccount.name: the operator would otherwise run as the namespace's \"default\" ServiceAccount, and the chart's RBAC would be granted to it" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.service.enabled) }}
{{- fail "metrics.serviceMonitor.enabled=true requires metrics.service.enabled=true (the ServiceMonitor scrapes that Service)" }}
{{- end }}
{{- end }}
