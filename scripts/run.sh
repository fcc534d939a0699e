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
# Demo values for the footer's identity and filings (each kept if already set; see README).
export PORTAL_HOST_DEPARTMENT="${PORTAL_HOST_DEPARTMENT-宜昌市政务服务和数据管理局}"
export PORTAL_HOST_DEPARTMENT_EN="${PORTAL_HOST_DEPARTMENT_EN-Yichang Administration of Government Services and Data}"
export PORTAL_CONTACT_PHONE="${PORTAL_CONTACT_PHONE-0717-12345}"
export PORTAL_ICP="${PORTAL_ICP-鄂ICP备00000000号-1}"
export PORTAL_PSB="${PORTAL_PSB-鄂公网安备42050000000000号}"
export PORTAL_SITE_CODE="${PORTAL_SITE_CODE-4205000000}"
manage demo_accounts --url "http://127.0.0.1:$PORT/"
"$VENV/bin/honcho" start -f Procfile
