# One image for every Kasa app; compose picks the app with `command`.
FROM oven/bun:1.4.5-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY adapters adapters
COPY contexts contexts
COPY apps apps
COPY shared shared
RUN bun install --production --ignore-scripts
ENV NODE_ENV=production
EXPOSE 3000
CMD ["bun", "apps/shop/src/main.ts"]
