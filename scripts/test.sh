#!/usr/bin/env bash
# Sets everything up and runs every check: lint, format, migrations, tests.
# Exits non-zero on any failure.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bootstrap
trap stop_local_services EXIT
say "ruff check"
"$VENV/bin/ruff" check .
say "ruff format --check"
"$VENV/bin/ruff" format --check .
say "makemigrations --check"
manage makemigrations --check --dry-run -v 1
manage compilemessages --ignore=.venv -v 0
say "pytest"
"$VENV/bin/pytest" --create-db "$@"
