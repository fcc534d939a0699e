#!/usr/bin/env bash
# Sets everything up and runs every check: lint, format, migrations, tests.
# Exits non-zero on any failure.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bootstrap
trap stop_local_services EXIT
# The tests get Redis databases of their own (14 for the broker, 15 for the
# cache), so they never touch the queues or cache of a portal running beside them.
set -a
source "$SERVICES_ENV"
set +a
REDIS_URL="$("$PY" -c 'import sys; from urllib.parse import urlsplit, urlunsplit; p = urlsplit(sys.argv[1]); print(urlunsplit(p._replace(path="/14")))' "$REDIS_URL")"
export REDIS_URL
say "ruff check"
"$VENV/bin/ruff" check .
say "ruff format --check"
"$VENV/bin/ruff" format --check .
say "makemigrations --check"
manage makemigrations --check --dry-run -v 1
manage compilemessages --ignore=.venv -v 0
manage collectstatic --noinput -v 0
say "pytest"
# Two processes (pytest-xdist), each with its own test database: the suite fits the 2-core CI machine.
# Tests are handed out one by one, except those marked with one xdist_group, which one process runs
# together (the matters demo they share is loaded once, not by both).
"$VENV/bin/pytest" --create-db -n 2 --dist loadgroup "$@"
