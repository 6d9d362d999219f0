# syntax=docker/dockerfile:1
# One image for every Python service of Stadtstimme; the compose file picks the service by its command:
#   docker run --rm stadtstimme:local settings            (lists every STADTSTIMME_* variable)
#   docker run ... stadtstimme:local serve --services ingest
# The citizen widget is one minified file built with esbuild (widget/package-lock.json pins it).
FROM node:20-slim AS widget
WORKDIR /widget
COPY widget/package.json widget/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY widget/ ./
COPY shared/widget_messages.json /shared/widget_messages.json
RUN node build.mjs

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN groupadd --system --gid 10001 stadtstimme \
 && useradd --system --uid 10001 --gid stadtstimme --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin stadtstimme

# Exact versions of every dependency come from constraints.txt; the sources are only needed to install.
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY shared/ shared/
COPY services/ services/
COPY stadtstimme/ stadtstimme/
RUN pip install -c constraints.txt . \
 && rm -rf /src/build /src/*.egg-info

COPY --from=widget /widget/dist/stadtstimme.js /app/widget/stadtstimme.js

WORKDIR /app
USER stadtstimme:stadtstimme
# Inside a container the HTTP server must listen on every interface (the default 127.0.0.1 is loopback only).
ENV STADTSTIMME_HTTP_HOST=0.0.0.0 \
    STADTSTIMME_HTTP_PORT=8080 \
    STADTSTIMME_WIDGET_DIST=/app/widget
EXPOSE 8080

ENTRYPOINT ["stadtstimme"]
CMD ["--help"]
