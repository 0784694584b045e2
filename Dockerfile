# Tháo gỡ — one image for every role (ROLE=all | ingress | worker), running compiled JavaScript.

# 1. Build: every dependency (TypeScript, the Prisma generator), then `npm run build` → dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
COPY scripts/postinstall.mjs ./scripts/postinstall.mjs
# postinstall generates the Prisma client into src/generated (no network beyond the npm registry).
RUN npm ci --no-audit --no-fund
COPY data ./data
COPY scripts ./scripts
COPY src ./src
# dist/ gets the compiled code and what it reads at run time: Fluent files, the classifier model,
# data/ (communes, holidays) and prisma/ (schema, migrations), at the same relative paths.
RUN npm run build

# 2. Production dependencies only. The one install script is the project's postinstall (Prisma
#    client generation), whose output is already compiled into dist/, so none runs.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. The image: node_modules, dist/, prisma/ for `npx prisma migrate deploy` where the network allows,
#    and the launcher of the production scripts (`npm run db:migrate`, `db:seed`, `export`, `classify`).
#    No tsx, no tools/, no test/.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data MALLOC_ARENA_MAX=1
RUN mkdir -p /data && chown node:node /data
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/run.mjs scripts/build.mjs ./scripts/
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node is PID 1's child under `init: true` (compose) so SIGTERM reaches the ordered shutdown.
# Migrations and reference data run at boot in a short-lived child process (dist/scripts/db-prepare.js).
CMD ["node", "dist/src/main.js"]
