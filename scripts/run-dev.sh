#!/usr/bin/env bash
# `make run`: the embedded default — SQLite under var/, Celery on kombu's filesystem broker under var/ (no server).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# DEBUG on (unless set): the settings' development SECRET_KEY, and runserver serves static files as they are. With
# DEBUG off the web server and Celery refuse to start without SECRET_KEY, and static files need `collectstatic`.
export DEBUG="${DEBUG:-true}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

mkdir -p var/celery/queue var/celery/control var/celery/processed var/celery/results var/media var/seals
$PY manage.py migrate --no-input -v0
$PY manage.py seed_demo

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if [ -n "${REDIS_URL:-}" ]; then echo "Celery on Redis: $REDIS_URL"; else echo "Celery on the filesystem broker under var/celery"; fi
.venv/bin/celery -A config worker --pool=solo --loglevel=WARNING >var/celery-worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A config beat -s var/celerybeat-schedule --loglevel=WARNING >var/celery-beat.log 2>&1 &
pids+=($!)

echo
echo "Juece is running:  http://$HOST:$PORT/   (staff workspace: http://$HOST:$PORT/manage/)"
echo "Demo logins are listed above (seed_demo). Stop with Ctrl-C."
echo
$PY manage.py runserver "$HOST:$PORT"
