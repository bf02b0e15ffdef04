# syntax=docker/dockerfile:1
#
# Cadence's container image: one static-enough binary on a distroless base.
#
#   docker build -t cadence:0.1.0 .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgres://… cadence:0.1.0
#
# Migrations need no files at run time: `sqlx::migrate!` embeds migrations/ into the binary when
# it is compiled, so the builder needs them and the runtime image does not.

ARG RUST_VERSION=1.95

# ── build ────────────────────────────────────────────────────────────────────────────────────
FROM rust:${RUST_VERSION}-bookworm AS builder
WORKDIR /src

# Only what the release binary is built from; .dockerignore keeps target/ and the rest out.
COPY Cargo.toml Cargo.lock build.rs ./
# The allocator's build-time settings (see .cargo/config.toml).
COPY .cargo ./.cargo
COPY src ./src
COPY migrations ./migrations
# Cargo reads every target named in Cargo.toml, so the benchmarks' sources come along too.
COPY benches ./benches

# The registry and target caches survive between builds (BuildKit), so a code change does not
# download and rebuild every dependency.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin cadence \
    && install -D -m 0755 target/release/cadence /out/cadence \
    && mkdir -p /out/data

# ── run ──────────────────────────────────────────────────────────────────────────────────────
# distroless/cc: glibc, libgcc and CA certificates, no shell or package manager. The `nonroot`
# tag runs as uid/gid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot

COPY --from=builder /out/cadence /usr/local/bin/cadence
# A writable home for the embedded SQLite database, for `docker run` without PostgreSQL.
# Kubernetes runs with a read-only root filesystem and PostgreSQL (manifests/k8s/).
COPY --from=builder --chown=65532:65532 /out/data /data
WORKDIR /data

# No DATABASE_URL: the default, sqlite://cadence.db in WORKDIR /data, is the first-run default
# that `serve` creates (and says so in the log). A DATABASE_URL that is set names a database
# that must exist: `cadence migrate` creates it.
ENV CADENCE_LISTEN=0.0.0.0:3000 \
    CADENCE_LOG_FORMAT=json \
    RUST_LOG=info

USER 65532:65532
EXPOSE 3000

# No curl in a distroless image: the binary asks its own /healthz on CADENCE_LISTEN.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/cadence", "healthcheck"]

ENTRYPOINT ["/usr/local/bin/cadence"]
CMD ["serve"]
