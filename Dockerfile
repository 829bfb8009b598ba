# Juece's production image: gunicorn (web), the Celery worker and Celery beat all run from it (docker-compose.yml).
# Bookworm on purpose: its postgresql-client is 15, the server's major version, so `manage.py backup` (pg_dump) and
# `manage.py restore` (pg_restore) write and read dumps the PostgreSQL 15 server takes.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    JUECE_VAR_DIR=/data \
    MEDIA_ROOT=/data/media \
    LEDGER_SEAL_DIR=/data/seals

# psql (the migrate service grants the application role its rights) and pg_dump / pg_restore (backup, restore).
# No fonts: Juece renders no PDF (its dependencies hold no PDF renderer; uploaded PDFs are stored as they are).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 juece \
 && useradd --system --uid 10001 --gid juece --home-dir /app --no-create-home --shell /usr/sbin/nologin juece

WORKDIR /app
# The dependencies first (a layer that changes only with pyproject.toml): the project declares no package of its own
# (setuptools packages = []), so `pip install .` installs what it depends on, gunicorn included.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
# Static files under hashed, compressed names for WhiteNoise, gathered once at build. collectstatic signs nothing, but
# settings refuse to start without SECRET_KEY only at run time: a dummy key for this one command, never in the image.
RUN SECRET_KEY=collectstatic-at-build-time-only DEBUG=0 python manage.py collectstatic --no-input -v0 \
 && mkdir -p /data/media /data/seals \
 && chown -R juece:juece /data

USER juece
VOLUME ["/data"]
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind=0.0.0.0:8000", "--workers=3", "--no-control-socket", "--access-logfile=-"]
