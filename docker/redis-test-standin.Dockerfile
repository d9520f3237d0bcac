# TEST STAND-IN for the official redis:7 image, for machines that reach Debian's packages but
# no image registry. tests/containers.sh builds it from Debian's redis-server (7.0) inside its
# own private Docker engine and tags it redis:7, so docker-compose.yml runs unchanged; with a
# registry, compose pulls the real redis:7 and this file is not used.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server redis-tools \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /var/lib/redis
USER redis
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no"]
