# eventscope tracer: a static binary on a small non-root image.
#   docker build -t eventscope/tracer .
#   docker run --rm -p 127.0.0.1:8080:8080 eventscope/tracer serve --brokers kafka:9092 \
#       --http-addr 0.0.0.0:8080 --auth token   # TRACER_AUTH_TOKEN=... in the environment

FROM golang:1.26-alpine AS build
WORKDIR /src
# Dependencies first, so code changes do not refetch them.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath \
        -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/tracer ./cmd/tracer

# Alpine rather than distroless: its busybox wget is the health check.
FROM alpine:3.22
RUN adduser -D -H -u 10001 tracer && mkdir /data && chown tracer:tracer /data
COPY --from=build /out/tracer /usr/local/bin/tracer
USER 10001:10001
# The embedded store (sqlite://./eventscope-data/...) lands in the volume.
WORKDIR /data
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/tracer"]
CMD ["serve"]
