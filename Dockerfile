# Image of the ses-mre-operator: the shaded operator jar on a maintained Java 17 JRE.
#
# Single stage on purpose: the jar is built beforehand by `make build` (./mvnw -DskipTests package), which
# writes operator/target/ses-mre-operator-all.jar. This repository's machines and CI have no
# container engine, so this image is never built or run by the project's tests; the tests (unit, reconciler,
# end-to-end against a local kube-apiserver) run exactly this jar with `java -jar`. Build it where an engine is:
#
#   make build
#   docker build -t ghcr.io/ses-mre/ses-mre-operator:0.1.0 .     # or: podman build, buildah bud, kaniko
#
# Runtime contract with the Helm chart (helm/ses-mre-operator): UID/GID 10001, read-only root filesystem with an
# emptyDir at /tmp, port 8080 ("ops": /healthz, /readyz, /metrics), configuration from SES_MRE_* variables,
# JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75, graceful stop on SIGTERM (java is PID 1 through the exec-form
# ENTRYPOINT, so the JVM's shutdown hook stops the operator).
FROM eclipse-temurin:17-jre

ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown

LABEL org.opencontainers.image.title="ses-mre-operator" \
      org.opencontainers.image.description="Kubernetes operator managing Amazon SES v2 multi-region endpoints as MultiRegionEndpoint resources (ses.mre.dev/v1alpha1)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="https://github.com/ses-mre/ses-mre-operator" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:17-jre"

# a fixed non-root user, matching the chart's runAsUser/runAsGroup (the restricted Pod Security profile)
RUN groupadd --system --gid 10001 operator \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin operator \
 && mkdir -p /app

# owned by root, readable by all: the operator user cannot modify it
COPY operator/target/ses-mre-operator-all.jar /app/ses-mre-operator.jar

USER 10001:10001
WORKDIR /app
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75" \
    SES_MRE_OPS_PORT=8080
EXPOSE 8080

ENTRYPOINT ["java", "-jar", "/app/ses-mre-operator.jar"]
