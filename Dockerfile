# syntax=docker/dockerfile:1
# Warden's image: built in one stage (the whole workspace, dev tools included), run from a slim one
# that holds only what `warden` needs at run time: each workspace package's package.json and dist/,
# the bins, and the production dependencies. It runs as the unprivileged `node` user under tini
# (signals reach Node, zombies are reaped), and reports healthy when /health/ready says so.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
COPY db/package.json db/
COPY schema/package.json schema/
COPY workers/package.json workers/
COPY services/policy/package.json services/policy/
COPY services/iam/package.json services/iam/
COPY services/api/package.json services/api/
COPY test/package.json test/
# No lifecycle scripts yet: `prepare` builds, and the sources are not here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# No install scripts are needed: argon2's native binary is a prebuilt optional package, and msgpackr
# (BullMQ's) falls back to JavaScript without its optional native extension.
RUN npx turbo run build --filter='!@warden/test' --output-logs=errors-only
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0 \
    WARDEN_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/db/package.json db/
COPY --from=build /app/db/dist db/dist
COPY --from=build /app/schema/package.json schema/
COPY --from=build /app/schema/dist schema/dist
COPY --from=build /app/workers/package.json workers/
COPY --from=build /app/workers/dist workers/dist
COPY --from=build /app/services/policy/package.json services/policy/
COPY --from=build /app/services/policy/bin services/policy/bin
COPY --from=build /app/services/policy/dist services/policy/dist
COPY --from=build /app/services/iam/package.json services/iam/
COPY --from=build /app/services/iam/dist services/iam/dist
COPY --from=build /app/services/api/package.json services/api/
COPY --from=build /app/services/api/bin services/api/bin
COPY --from=build /app/services/api/dist services/api/dist
# The data directory: the master key and the bootstrap credentials on the embedded default, the
# bootstrap credentials with Postgres. Owned by the user the server runs as.
RUN mkdir /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4000}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "services/api/bin/warden.js"]
CMD ["serve"]
