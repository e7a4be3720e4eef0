# drawreview image: the app, the worker and the migrate job all run from it.
FROM node:20-bookworm-slim AS viewer
WORKDIR /src/viewer
COPY viewer/ ./
RUN mkdir -p /src/drawreview/web/static/viewer && if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run build; fi

FROM python:3.11-slim-bookworm
# /data is the one shared volume: blobs, the authority's signing key, workflow.json.
# `pip install .` is not editable: the rulesets are read from /app/rulesets.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DRAWREVIEW_DATA_DIR=/data \
    DRAWREVIEW_BLOB_DIR=/data/blobs DRAWREVIEW_AUTHORITY_DIR=/data/authority DRAWREVIEW_RULESET_DIR=/app/rulesets
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk fonts-hanazono fonts-babelstone-han fonts-symbola && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY drawreview/ drawreview/
COPY rulesets/ rulesets/
COPY --from=viewer /src/drawreview/web/static/viewer/ drawreview/web/static/viewer/
RUN pip install --no-cache-dir . && useradd --create-home drawreview \
    && mkdir -p /data/blobs /data/authority && chown -R drawreview:drawreview /data
USER drawreview
VOLUME ["/data"]
EXPOSE 8000
CMD ["drawreview", "serve", "--host", "0.0.0.0", "--port", "8000"]
