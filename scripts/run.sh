#!/usr/bin/env bash
# Sets everything up and runs the portal with demo data: web, Celery worker
# and Celery beat together (honcho + Procfile). Ctrl-C stops all of them, and
# the project-local PostgreSQL/Redis if this script started them.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bootstrap
trap stop_local_services EXIT
prepare_app
say "Loading demo data"
manage load_demo
export PORT="${PORT:-8000}"
manage demo_accounts --url "http://127.0.0.1:$PORT/"
"$VENV/bin/honcho" start -f Procfile
