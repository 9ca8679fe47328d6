# Lockstep's container image: Node 24, production dependencies only, TypeScript run directly
# through Node's type stripping (no build step). Only src ships: tests, simulators, benchmarks and
# scripts stay out (.ci/production-start proves the same install starts and answers /healthz).
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY schema.graphql tsconfig.json ./
COPY src ./src
EXPOSE 4000
USER node
CMD ["node", "src/infra/main.ts"]
