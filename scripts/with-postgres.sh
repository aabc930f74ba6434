#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server:
#   bash scripts/with-postgres.sh .venv/bin/python -m pytest -q tests
# Starts a fresh cluster in a temporary directory on 127.0.0.1 and a free port (trust auth, no
# fsync: the data is thrown away), exports TEST_DATABASE_URL for the command, then stops the
# server and deletes the directory however the command ends. Exits with the command's status.
set -euo pipefail

log() { echo "with-postgres: $*" >&2; }

if [ $# -eq 0 ]; then
  echo "usage: bash scripts/with-postgres.sh COMMAND [ARGS...]" >&2
  exit 64
fi

newest_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
  return 0
}

BINDIR="${PG_BINDIR:-$(newest_bindir)}"
if [ -z "$BINDIR" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  log "PostgreSQL is not installed: installing it with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q postgresql >&2; then
    apt-get update -q >&2
    apt-get install -y -q postgresql >&2
  fi
  BINDIR=$(newest_bindir)
fi
if [ -z "$BINDIR" ] || [ ! -x "$BINDIR/initdb" ]; then
  log "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)"
  exit 69
fi

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    log "running as root but there is no 'postgres' user to own the cluster"
    exit 69
  fi
  if command -v runuser >/dev/null; then
    as_owner() { runuser -u postgres -- "$@"; }
  else
    as_owner() { su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }
  fi
  OWNER=postgres
else
  as_owner() { "$@"; }
  OWNER=$(id -un)
fi

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

DIR=$(mktemp -d /tmp/pg-throwaway.XXXXXX)
DATA="$DIR/data"
LOGFILE="$DIR/server.log"
PORT=""
chmod 700 "$DIR"
[ "$OWNER" = "$(id -un)" ] || chown "$OWNER:" "$DIR"

stop_server() {
  if [ -f "$DATA/postmaster.pid" ]; then
    (cd "$DIR" && as_owner "$BINDIR/pg_ctl" -D "$DATA" -m fast -w -t 20 stop >/dev/null 2>&1) ||
      (cd "$DIR" && as_owner "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w -t 10 stop >/dev/null 2>&1) || true
  fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_server
  rm -rf "$DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

LOCALE_ARGS=(--no-locale)
if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
  LOCALE_ARGS=(--locale=C.UTF-8)
fi
if ! (cd "$DIR" && as_owner "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 \
      "${LOCALE_ARGS[@]}" --no-sync >"$DIR/initdb.log" 2>&1); then
  log "initdb failed:"
  cat "$DIR/initdb.log" >&2
  exit 70
fi

# A port can be taken between the probe and the start: try a few.
started=""
for _ in 1 2 3 4 5; do
  PORT=$(free_port) || break
  if (cd "$DIR" && as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 30 -o \
      "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null 2>&1); then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  log "the server did not start:"
  tail -n 30 "$LOGFILE" >&2 2>/dev/null || true
  exit 70
fi

for _ in $(seq 1 60); do
  if "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -t 1; then
    break
  fi
  sleep 0.5
done
if ! "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -t 1; then
  log "the server is not accepting connections:"
  tail -n 30 "$LOGFILE" >&2 2>/dev/null || true
  exit 70
fi

export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PORT/postgres"
log "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (TEST_DATABASE_URL=$TEST_DATABASE_URL)"

set +e
"$@"
exit $?
