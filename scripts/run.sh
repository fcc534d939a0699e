#!/usr/bin/env bash
# Sets everything up and runs the portal with demo data: web, Celery worker
# and Celery beat together (honcho + Procfile). Ctrl-C stops all of them, and
# the project-local PostgreSQL/Redis if this script started them.
#
# It serves the portal as visitors see it: DEBUG off (the portal's own Chinese
# error pages, never Django's debug page listing every URL; static files from
# whitenoise), listening on 127.0.0.1 unless PORTAL_BIND says otherwise
# (PORTAL_BIND=0.0.0.0 to be reached from other machines), and gunicorn's control
# socket under this project's var/, so two portals on one host never share one.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bootstrap
trap stop_local_services EXIT
prepare_app
say "Loading demo data"
manage load_demo
export PORT="${PORT:-8000}"
# The public address printed on documents, QR codes and SMS links (set it to the real site in production).
export PORTAL_URL="${PORTAL_URL:-http://127.0.0.1:$PORT}"
# Demo values for the footer's identity and filings (each kept if already set; see README).
export PORTAL_HOST_DEPARTMENT="${PORTAL_HOST_DEPARTMENT-宜昌市政务服务和数据管理局}"
export PORTAL_HOST_DEPARTMENT_EN="${PORTAL_HOST_DEPARTMENT_EN-Yichang Administration of Government Services and Data}"
export PORTAL_CONTACT_PHONE="${PORTAL_CONTACT_PHONE-0717-12345}"
export PORTAL_ICP="${PORTAL_ICP-鄂ICP备00000000号-1}"
export PORTAL_PSB="${PORTAL_PSB-鄂公网安备42050000000000号}"
export PORTAL_SITE_CODE="${PORTAL_SITE_CODE-4205000000}"
export PORTAL_BIND="${PORTAL_BIND:-127.0.0.1}"
export DEBUG="${DEBUG:-false}"
export GUNICORN_CONTROL_SOCKET="${GUNICORN_CONTROL_SOCKET:-$VAR/gunicorn.ctl}"
manage demo_accounts --url "http://127.0.0.1:$PORT/"
"$VENV/bin/honcho" start -f Procfile
