# Shared by the project's scripts: system packages, the virtualenv, and the
# PostgreSQL and Redis the portal uses. Sourced, never run on its own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
SERVICES_ENV="$VAR/services.env"
mkdir -p "$VAR"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m!!\033[0m %s\n' "$*" >&2; exit 1; }

# Debian packages the portal needs: the database and broker, a CJK font for
# PDFs, gettext for translations, WeasyPrint's pango, Chromium and pdftotext
# for the tests.
APT_PACKAGES=(postgresql redis-server fonts-wqy-microhei gettext libpango-1.0-0 libpangoft2-1.0-0
  libharfbuzz-subset0 chromium poppler-utils python3-venv python3-dev build-essential libpq-dev curl)

ensure_system_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "Missing system packages. Run, then try again:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  say "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)'; then
      command -v "$candidate"
      return
    fi
  done
  die "Python 3.11 or newer is needed (apt-get install python3.11 python3.11-venv)."
}

ensure_venv() {
  if [ ! -x "$PY" ]; then
    say "Creating the virtualenv in .venv"
    "$(find_python)" -m venv "$VENV"
  fi
  # Reinstall only when requirements.txt changed since the last install.
  local stamp="$VENV/.requirements.sha256"
  local want
  want="$(sha256sum "$ROOT/requirements.txt" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Python requirements"
    # pip's own chatter goes to var/pip.log; it is shown only when the install fails.
    if ! { "$PY" -m pip install -q --disable-pip-version-check --upgrade pip &&
      "$PY" -m pip install -q --disable-pip-version-check -r "$ROOT/requirements.txt"; } >"$VAR/pip.log" 2>&1; then
      cat "$VAR/pip.log" >&2
      die "Installing the Python requirements failed (log above, also in var/pip.log)."
    fi
    echo "$want" >"$stamp"
  fi
}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [ -n "$dir" ] || die "PostgreSQL binaries not found (apt-get install postgresql)."
  echo "$dir"
}

# Runs a PostgreSQL server binary as the postgres user when we are root
# (initdb and postgres refuse to run as root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_works() { psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1; }
redis_works() { redis-cli -u "$1" ping 2>/dev/null | grep -q PONG; }

# Decides which PostgreSQL and Redis the portal uses and writes them to
# var/services.env: the environment's DATABASE_URL/REDIS_URL when given;
# otherwise the standard local ports when they answer; otherwise servers of
# our own under var/ on free ports.
ensure_services() {
  : >"$SERVICES_ENV.new"
  local db_url="${DATABASE_URL:-}" redis_url="${REDIS_URL:-}"

  if [ -z "$db_url" ]; then
    local admin="postgres://postgres@127.0.0.1:5432/postgres"
    if pg_works "$admin"; then
      db_url="postgres://postgres@127.0.0.1:5432/portal"
    else
      db_url="$(start_local_postgres)"
    fi
    echo "DATABASE_URL=$db_url" >>"$SERVICES_ENV.new"
  fi
  ensure_database "$db_url"

  if [ -z "$redis_url" ]; then
    if redis_works "redis://127.0.0.1:6379/0"; then
      redis_url="redis://127.0.0.1:6379/0"
    else
      redis_url="$(start_local_redis)"
    fi
    echo "REDIS_URL=$redis_url" >>"$SERVICES_ENV.new"
  fi
  redis_works "$redis_url" || die "Redis at $redis_url does not answer."
  mv "$SERVICES_ENV.new" "$SERVICES_ENV"
}

ensure_database() {
  local url="$1" name admin
  name="${url##*/}"
  name="${name%%\?*}"
  admin="${url%/*}/postgres"
  pg_works "$url" && return 0
  pg_works "$admin" || die "PostgreSQL at ${url%/*} does not answer."
  say "Creating database $name"
  psql "$admin" -qc "CREATE DATABASE \"$name\"" >/dev/null
}

start_local_postgres() {
  local data="$VAR/pg/data" port bin
  bin="$(pg_bin)"
  mkdir -p "$VAR/pg"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$VAR/pg"
  if [ ! -s "$data/PG_VERSION" ]; then
    say "Initialising a project-local PostgreSQL in var/pg"
    as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if [ -f "$VAR/pg/port" ] && pg_works "postgres://postgres@127.0.0.1:$(cat "$VAR/pg/port")/postgres"; then
    port="$(cat "$VAR/pg/port")"
  else
    port="$(free_port)"
    say "Starting the project-local PostgreSQL on port $port"
    as_pg "$bin/pg_ctl" -D "$data" -l "$VAR/pg/server.log" -w \
      -o "-p $port -k $VAR/pg -c listen_addresses=127.0.0.1" start >/dev/null
    echo "$port" >"$VAR/pg/port"
  fi
  echo "postgres://postgres@127.0.0.1:$port/portal"
}

start_local_redis() {
  local port
  mkdir -p "$VAR/redis"
  if [ -f "$VAR/redis/port" ] && redis_works "redis://127.0.0.1:$(cat "$VAR/redis/port")/0"; then
    port="$(cat "$VAR/redis/port")"
  else
    port="$(free_port)"
    say "Starting the project-local Redis on port $port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$VAR/redis" \
      --pidfile "$VAR/redis/redis.pid" --logfile "$VAR/redis/redis.log" --save "" --appendonly no
    echo "$port" >"$VAR/redis/port"
    for _ in $(seq 50); do redis_works "redis://127.0.0.1:$port/0" && break; sleep 0.1; done
  fi
  echo "redis://127.0.0.1:$port/0"
}

# Stops the servers this project started under var/ (never a system one).
stop_local_services() {
  if [ -f "$VAR/pg/port" ] && [ -s "$VAR/pg/data/PG_VERSION" ]; then
    say "Stopping the project-local PostgreSQL"
    as_pg "$(pg_bin)/pg_ctl" -D "$VAR/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -f "$VAR/pg/port"
  fi
  if [ -f "$VAR/redis/port" ]; then
    say "Stopping the project-local Redis"
    redis-cli -p "$(cat "$VAR/redis/port")" shutdown nosave >/dev/null 2>&1 || true
    rm -f "$VAR/redis/port"
  fi
  rm -f "$SERVICES_ENV"
}

bootstrap() {
  ensure_system_packages
  ensure_venv
  ensure_services
}

manage() { "$PY" "$ROOT/manage.py" "$@"; }

prepare_app() {
  say "Compiling translations, collecting static files, migrating"
  manage compilemessages --ignore=.venv -v 0
  manage collectstatic --noinput -v 0
  manage migrate --noinput -v 0
}
