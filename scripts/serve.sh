#!/usr/bin/env bash
# `make serve`: the production processes without Docker, on this machine's PostgreSQL and Redis — gunicorn (2 workers),
# one Celery worker and exactly one Celery beat, with DEBUG off. Migrations run once here, before any of them starts,
# and static files are collected for WhiteNoise. Ctrl-C (or TERM to this script, whose PID is in $VAR/serve.pid)
# stops all three, each by its PID.
#
#   DATABASE_URL  postgres://postgres@127.0.0.1:5432/juece (createdb -h 127.0.0.1 -U postgres juece)
#   REDIS_URL     redis://127.0.0.1:6379/0 (the cache; CELERY_BROKER_URL, when set, gives the broker its own database)
#   SECRET_KEY, LEDGER_SEAL_KEY   generated once into $VAR when unset (this machine only: set both in production)
#   HOST, PORT    127.0.0.1, 8000
# Plain HTTP on this machine: the HTTPS redirect and HSTS are off unless SECURE_SSL_REDIRECT / SECURE_HSTS_SECONDS say
# otherwise (cookies stay Secure: browsers keep them over plain HTTP for localhost and 127.0.0.1 only). The second
# factor stays required as in production unless OTP_REQUIRED=0.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
BIN=.venv/bin

export DEBUG=0
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/juece}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}" SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
VAR="${JUECE_VAR_DIR:-var}"
mkdir -p "$VAR/log"
echo $$ >"$VAR/serve.pid"

# A key from the environment, or one generated once into $VAR for this machine (said out loud).
local_key() {
  local name=$1 file="$VAR/serve-$2"
  if [ -n "${!name:-}" ]; then return; fi
  if [ ! -s "$file" ]; then
    (umask 077 && $PY -c 'import secrets; print(secrets.token_urlsafe(50))' >"$file")
  fi
  export "$name=$(cat "$file")"
  echo "$name is not set: using the local key in $file (generated once for this machine; set $name in production)."
}
local_key SECRET_KEY secret-key
local_key LEDGER_SEAL_KEY ledger-seal-key

pids=()
stop() {
  trap - INT TERM EXIT
  local pid alive
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 40); do  # up to 20 s for a graceful stop, then KILL
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$VAR/serve.pid"
}
trap 'echo; echo "Stopping gunicorn, the worker and beat…"; stop; exit 0' INT TERM
trap stop EXIT

redacted() { $PY -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p._replace(netloc=p.netloc.rsplit("@", 1)[-1]).geturl())' "$1"; }
echo "Database: $(redacted "$DATABASE_URL")   Redis: $(redacted "$REDIS_URL")   broker: $(redacted "${CELERY_BROKER_URL:-$REDIS_URL}")"
if ! $PY manage.py migrate --no-input -v0; then
  echo "Migrations failed: is PostgreSQL running, and does the database exist? (createdb -h 127.0.0.1 -U postgres juece)" >&2
  exit 1
fi
for url in "$REDIS_URL" "${CELERY_BROKER_URL:-}"; do
  [ -n "$url" ] || continue
  if ! $PY -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()' "$url" 2>/dev/null; then
    echo "Redis does not answer at $(redacted "$url"): start it (redis-server), or set REDIS_URL." >&2
    exit 1
  fi
done
$PY manage.py collectstatic --no-input -v0

$BIN/celery -A config worker --concurrency=2 --loglevel=INFO >"$VAR/log/serve-worker.log" 2>&1 &
pids+=($!)
$BIN/celery -A config beat --schedule="$VAR/serve-celerybeat-schedule" --loglevel=INFO >"$VAR/log/serve-beat.log" 2>&1 &
pids+=($!)
$BIN/gunicorn config.wsgi:application --bind "$HOST:$PORT" --workers 2 --timeout 60 --no-control-socket \
  --access-logfile "$VAR/log/serve-access.log" &
pids+=($!)
# Beat sends its first tick a minute after it starts: one tick now, so the worker's heartbeat (/readyz) is there as
# soon as the worker takes it. The ticker's work is idempotent, as every tick's is.
$BIN/celery -A config call notifications.tasks.tick >/dev/null

echo
echo "Juece is serving (DEBUG off): http://$HOST:$PORT/   staff: http://$HOST:$PORT/manage/"
echo "Probes: http://$HOST:$PORT/healthz  http://$HOST:$PORT/readyz   Logs: $VAR/log/serve-*.log   Stop: Ctrl-C"
echo

# Until Ctrl-C / TERM (the trap stops the rest), or until one of the three exits on its own (a failure: stop the rest).
set +e
wait -n "${pids[@]}"
status=$?
set -e
echo "A process of make serve exited (status $status): stopping the others. See $VAR/log/serve-*.log." >&2
exit 1
