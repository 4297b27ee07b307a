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
# Bun's allocator (mimalloc) hands freed memory back to the system 100 ms after it is freed; a shop under
# load frees and reuses the same memory all the time, and each hand-back is paid again in page faults.
# One second keeps that memory for reuse (measured: whole shop distributed, 50 connections, README
# "Allocator"). Memory still goes back within a second of being freed.
ENV MIMALLOC_PURGE_DELAY=1000
EXPOSE 3000
CMD ["bun", "apps/shop/src/main.ts"]
