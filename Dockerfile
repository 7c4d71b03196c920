# syntax=docker/dockerfile:1
#
# dronebot in a container:
#
#   docker build --build-arg VERSION=v1.0.0 --build-arg COMMIT=$(git rev-parse --short HEAD) -t dronebot .
#   docker run -d --name dronebot -p 8080:8080 --stop-timeout 30 \
#     -v dronebot-data:/data -v "$PWD/bot.yaml:/etc/dronebot/bot.yaml:ro" \
#     --env-file /etc/dronebot/env dronebot
#
# The mounted bot.yaml must set `store.path: /data/dronebot.db` (relative
# paths are relative to the configuration file, and /etc/dronebot is
# read-only). README.md, "Deploying on a server", has the details.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so editing the code does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
# Pure Go (the SQLite driver too), so a static binary; timetzdata embeds the
# time zones digests may name, whatever the base image holds.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -tags timetzdata \
      -ldflags "-s -w -X github.com/dronebot/dronebot/bot/cli.version=${VERSION} -X github.com/dronebot/dronebot/bot/cli.commit=${COMMIT}" \
      -o /out/dronebot . \
 && mkdir -p /out/data

# distroless/static: CA certificates, /tmp and a nonroot user (65532), no
# shell. With no shell or curl there is no HEALTHCHECK here: probe
# GET /healthz and /readyz from the orchestrator instead.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/dronebot /usr/local/bin/dronebot
# The store's volume, owned by the user the bot runs as.
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME ["/data"]
ENV DRONEBOT_CONFIG=/etc/dronebot/bot.yaml
USER 65532:65532
EXPOSE 8080
# SIGTERM starts the drain (server.shutdown_timeout, 20s by default): give
# `docker stop` more than that with --stop-timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dronebot"]
CMD ["run"]
