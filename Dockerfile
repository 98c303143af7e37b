# syntax=docker/dockerfile:1
# One image for every sre-bot role: `docker run IMAGE <role> ...` (slack, worker, gateway,
# mcp <name>, db migrate, doctor, ...). Built on Node 24 LTS; runs as the unprivileged `node`
# user (uid 1000, what the Kubernetes manifests expect). The runtime stage installs production
# dependencies only (`npm ci --omit=dev`): no compiler, no dev tools, no devDependency servers.
# The base is pinned by the digest of a node:24-bookworm-slim multi-arch index; both stages use
# it. The digest cannot be checked without a registry: the image workflow resolves it first and
# fails unless it is an index for linux/amd64 and linux/arm64. How to bump and verify it by hand:
# runbooks/upgrade.md, "The base image".
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bot ./bot
COPY mcp-servers ./mcp-servers
COPY redaction ./redaction
COPY evaluators ./evaluators
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SRE_BOT_HOME=/var/lib/sre-bot
# git: GitOps and skills repositories; openssl: sandbox TLS material; ca-certificates: HTTPS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY bot/store/migrations ./bot/store/migrations
COPY skills ./skills
COPY evaluators/scenarios ./evaluators/scenarios
RUN ln -s /app/bin/sre-bot.js /usr/local/bin/sre-bot \
 && mkdir -p /var/lib/sre-bot && chown node:node /var/lib/sre-bot
USER node
EXPOSE 3000 8080 9464
ENTRYPOINT ["sre-bot"]
CMD ["--help"]
