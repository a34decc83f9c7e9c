# The operator's container image (see image/build.sh). Included from the root Makefile; paths are relative to the
# repository root.
#
#   make image        the image archive, built with Jib without a container engine; last line: the archive's path
#                     IMAGE_BASE=eclipse-temurin:17-jre (default) | <any Java 17 JRE image> | tar://<archive> | debian
#                     IMAGE_REPOSITORY=ses-mre-operator IMAGE_TAG=<chart appVersion>
#   make image-base   the base CI builds on: Debian bookworm + openjdk-17-jre-headless from Debian packages (root)

.PHONY: image image-base

image: ## operator image archive via Jib, no container engine (IMAGE_BASE, IMAGE_REPOSITORY, IMAGE_TAG); prints its path
	@MVN="$(MVN)" bash image/build.sh

image-base: ## base image from Debian packages (bookworm + openjdk-17-jre-headless), what CI builds the image on
	@bash image/debian-jre-base.sh
