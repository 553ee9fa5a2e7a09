# syntax=docker/dockerfile:1
# One image for the webhook and the sidecar: `mcp-header-forward webhook|sidecar|certs ...`.
# Checked statically here (hadolint + test/unit/dockerfile.test.ts); built for real by test/e2e/kind/run.sh.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.image.json ./
COPY contract ./contract
COPY certs ./certs
COPY cli ./cli
COPY webhook ./webhook
COPY sidecar ./sidecar
# Only what the CLI runs (tsconfig.image.json): no test harness or benches in the image.
RUN npx tsc -p tsconfig.image.json

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="mcp-header-forward" \
      org.opencontainers.image.description="ToolHive MCPServerEntry headerForward: validating webhook, sidecar injector, egress proxy" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
# Root-owned and not writable by the runtime user: the app cannot modify itself, and a read-only root fs works.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# 65532 is the conventional "nonroot" uid (distroless); the injector runs the sidecar with the same uid.
USER 65532:65532
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
