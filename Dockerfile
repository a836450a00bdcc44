# Build stage: compile TypeScript and generate the Prisma client.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY src/db-url.ts ./src/db-url.ts
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

# Runtime stage: only what the bot needs, as an unprivileged user, data on a volume.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    DATABASE_URL=file:/data/belm.db
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/locales ./locales
COPY --from=build --chown=node:node /app/package.json /app/prisma.config.ts ./
COPY --from=build --chown=node:node /app/src/db-url.ts ./src/db-url.ts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# /healthz answers 200 only when the database answers and updates arrive (both modes); plain node, no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 and gets SIGTERM itself (no npm or shell in between): it checks the configuration,
# applies the migrations, runs the bot and stops within 9 s of `docker stop`.
CMD ["node", "dist/src/main.js"]
