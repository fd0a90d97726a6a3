# Tongyou for districts that run containers (compose.yaml). The bare-metal install (systemd
# units in deploy/systemd) runs the same processes with the same commands.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=tongyou.settings.production
# gnupg and the PostgreSQL client for `manage.py backup` / `restore`; Noto CJK for the PDF report.
RUN apt-get update && apt-get install -y --no-install-recommends \
        gnupg postgresql-client fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home-dir /opt/tongyou --create-home tongyou
WORKDIR /opt/tongyou/app
COPY pyproject.toml README.md ./
COPY tongyou ./tongyou
COPY deploy ./deploy
COPY manage.py ./
COPY --from=assets /src/node_modules ./node_modules
# The code runs from this directory (an editable install), as on a bare-metal server.
ENV TONGYOU_STATIC_ROOT=/opt/tongyou/static
RUN pip install --no-cache-dir -e . \
    && pybabel compile -D django -d tongyou/locale \
    && DJANGO_SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))') \
       DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build TONGYOU_CACHE_URL=redis://build \
       TONGYOU_VAR_DIR=/tmp python manage.py collectstatic --noinput -v0 \
    && mkdir -p /var/lib/tongyou /var/lib/tongyou-anchors /etc/tongyou/keys \
    && chown tongyou:tongyou /var/lib/tongyou /var/lib/tongyou-anchors /etc/tongyou/keys
ENV TONGYOU_VAR_DIR=/var/lib/tongyou
USER tongyou
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "tongyou.wsgi"]
