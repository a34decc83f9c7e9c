#!/usr/bin/env bash
# Builds the operator's container image as an image archive, without a container engine (Jib, configured in
# operator/pom.xml), and its CycloneDX SBOM next to it. Prints the archive's path on the last line.
#
#   image/build.sh                                    (make image)
#
# Env:
#   IMAGE_BASE        the base image: a maintained Java 17 JRE image from a registry (default eclipse-temurin:17-jre;
#                     e.g. gcr.io/distroless/java17-debian12:nonroot), tar://<Docker archive>, or "debian": the base
#                     built from Debian packages by image/debian-jre-base.sh (what CI uses: no registry there)
#   IMAGE_REPOSITORY  image name (default ses-mre-operator); IMAGE_TAG (default the chart's appVersion)
#   MVN               Maven command (default ./mvnw -B -ntp)
# The archive is in Docker format: `docker load -i`, `podman load -i`, `ctr -n k8s.io images import`,
# `kind load image-archive`, `skopeo copy docker-archive:<file> docker://<registry>/<name>:<tag>`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
cd "$REPO"
log() { echo "image: $*" >&2; }

app_version="$(awk '$1 == "appVersion:" { gsub(/"/, "", $2); print $2 }' helm/ses-mre-operator/Chart.yaml)"
repository="${IMAGE_REPOSITORY:-ses-mre-operator}"
tag="${IMAGE_TAG:-$app_version}"
base="${IMAGE_BASE:-eclipse-temurin:17-jre}"
read -r -a mvn <<< "${MVN:-./mvnw -B -ntp}"

[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] \
  || { log "ERROR: IMAGE_TAG '$tag' is not a valid image tag (letters, digits, '_', '.', '-'; at most 128)"; exit 2; }
[[ "$repository" =~ ^[a-z0-9]+([._/:-][a-z0-9]+)*$ ]] \
  || { log "ERROR: IMAGE_REPOSITORY '$repository' is not a valid image name (lower case, e.g. registry.example.com/team/ses-mre-operator)"; exit 2; }

base_name="$base"
if [[ "$base" == debian ]]; then
  base="tar://$(bash image/debian-jre-base.sh | tail -1)"
  base_name="ses-mre.local/debian-jre17:bookworm (image/debian-jre-base.sh)"
elif [[ "$base" == tar://* ]]; then
  [[ -f "${base#tar://}" ]] || { log "ERROR: IMAGE_BASE=$base: no such file"; exit 2; }
  base_name="$(basename "${base#tar://}")"
fi
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
if [[ "$revision" != unknown ]] && ! git diff --quiet HEAD -- 2>/dev/null; then revision+="-dirty"; fi

t0=$(date +%s)
archive="$REPO/operator/target/image/ses-mre-operator-$tag.tar"
rm -f "$archive"
log "building $repository:$tag on $base (Jib, no container engine)..."
# the operator and what it needs from the reactor, packaged (no tests), then the SBOM and the image of the operator
# module only (jib.skip/cyclonedx.skip in the POMs); update checks off: Jib would otherwise call out to its site
"${mvn[@]}" -q -pl operator -am -DskipTests -Djib.disableUpdateChecks=true \
  -Dimage.base="$base" -Dimage.base.name="$base_name" -Dimage.repository="$repository" -Dimage.tag="$tag" -Dimage.revision="$revision" \
  -Dimage.archive="$archive" \
  package cyclonedx:makeBom jib:buildTar >&2
[[ -f "$archive" ]] || { log "ERROR: Jib wrote no archive at $archive"; exit 1; }
sbom="$REPO/operator/target/image/ses-mre-operator-$tag.cdx.json"
log "image $repository:$tag built in $(( $(date +%s) - t0 )) s: $(du -m "$archive" | cut -f1) MB archive, SBOM $sbom"
echo "$archive"
