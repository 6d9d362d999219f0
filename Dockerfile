# syntax=docker/dockerfile:1
# One image for every Python service of Stadtstimme; the compose file picks the service by its command:
#   docker run --rm stadtstimme:local settings            (lists every STADTSTIMME_* variable)
#   docker run ... stadtstimme:local serve --services ingest
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

WORKDIR /app
USER stadtstimme:stadtstimme
# Inside a container the HTTP server must listen on every interface (the default 127.0.0.1 is loopback only).
ENV STADTSTIMME_HTTP_HOST=0.0.0.0 \
    STADTSTIMME_HTTP_PORT=8080
EXPOSE 8080

ENTRYPOINT ["stadtstimme"]
CMD ["--help"]
