# syntax=docker/dockerfile:1
#
# Lookalike as a native executable serving a baked, read-only catalogue (the default target), e.g.
#   docker build -t lookalike .
#   docker build --build-arg CATALOG=catalog/myshop.db --build-arg MODEL=models/my-clip -t lookalike .
# For the JVM build instead: docker build -f Dockerfile.jvm -t lookalike-jvm .
#
# CATALOG  the catalogue to bake, a path inside the build context (run `bake` on it first, or let
#          the build do it).
# MODEL    the CLIP model: hf:OWNER/NAME[@REVISION] from the Hugging Face Hub (default
#          hf:openai/clip-vit-base-patch32; pin a commit for reproducible images), a checkpoint or model
#          package folder inside the build context, or an http(s) URL of a package .zip (append
#          #sha256=HEX). Fetched here, at build time, never at container start: the Hub's files land in
#          the image's Hugging Face cache, which the runtime reads with HF_HUB_OFFLINE=1. A gated model's
#          token goes in as a build secret, never a build argument:
#            docker build --secret id=hf_token,env=HF_TOKEN …

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG MANDREL_IMAGE=quay.io/quarkus/ubi-quarkus-mandrel-builder-image:jdk-21
ARG RUNTIME_IMAGE=debian:12-slim

# ---- 1. the JVM build: used to fetch the model, extract libtorch and bake the catalogue -------------
FROM ${MAVEN_IMAGE} AS jvm-build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline || true
COPY src src
RUN mvn -B -q package -DskipTests

# ---- 2. the data: model files, libtorch, the baked catalogue ------------------------------------------
FROM jvm-build AS data
ARG CATALOG=catalog/lookalike.db
ARG MODEL=hf:openai/clip-vit-base-patch32
ENV LOOKALIKE_MODEL_CACHE=/opt/lookalike/models DJL_CACHE_DIR=/opt/lookalike/djl HF_HOME=/opt/lookalike/hf
# pom.xml is listed so the COPY succeeds when the context has no models/ folder
COPY pom.xml models* /src/models/
COPY ${CATALOG} /tmp/catalog.db
# Embedding one word loads the model end to end: downloads it if remote (hf: models into $HF_HOME/hub),
# and leaves libtorch and the JNI bridge extracted under $DJL_CACHE_DIR for the runtime image.
RUN --mount=type=secret,id=hf_token \
    HF_TOKEN="$(cat /run/secrets/hf_token 2>/dev/null)" \
    java -jar target/quarkus-app/quarkus-run.jar vector --text "warm up" --model "$MODEL" > /dev/null \
 && java -jar target/quarkus-app/quarkus-run.jar bake --catalog /tmp/catalog.db --out /opt/lookalike/catalog.db \
 && echo "$MODEL" > /opt/lookalike/model-spec

# ---- 3. the native executable -----------------------------------------------------------------------
FROM ${MANDREL_IMAGE} AS native-build
USER root
COPY --from=jvm-build /usr/share/maven /opt/maven
COPY --from=jvm-build /root/.m2 /root/.m2
WORKDIR /src
COPY pom.xml .
COPY src src
RUN /opt/maven/bin/mvn -B -q -o package -Pnative -DskipTests

# ---- 4. the runtime image (default target) ------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS native
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /opt/lookalike lookalike
COPY --from=data /opt/lookalike /opt/lookalike
COPY --from=native-build /src/target/*-runner /opt/lookalike/lookalike
ENV LOOKALIKE_CATALOG=/opt/lookalike/catalog.db \
    LOOKALIKE_READ_ONLY=true \
    LOOKALIKE_WEB_HOST=0.0.0.0 \
    LOOKALIKE_MODEL_CACHE=/opt/lookalike/models \
    HF_HOME=/opt/lookalike/hf \
    HF_HUB_OFFLINE=1 \
    DJL_CACHE_DIR=/opt/lookalike/djl \
    DJL_OFFLINE=true \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cpu \
    PYTORCH_LIBRARY_PATH=/opt/lookalike/djl/pytorch/2.7.1-cpu-linux-x86_64
USER lookalike
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s \
  CMD curl -fsS http://127.0.0.1:8080/q/health/ready || exit 1
# The heap holds the vector index (about 2 KB per photo at 512 dimensions); libtorch's memory is native.
ENTRYPOINT ["/bin/sh", "-c", "exec /opt/lookalike/lookalike -Xmx${LOOKALIKE_HEAP:-512m} serve --model \"$(cat /opt/lookalike/model-spec)\""]
