#!/usr/bin/env bash
# The test run: system packages, a throwaway PostgreSQL on 127.0.0.1 (unless TISGUARD_TEST_PG_URL is
# given), ruff (lint + format check), then pytest over SQLite and PostgreSQL, browser and contract tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
echo "ruff: lint and format check"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

if [ -z "${TISGUARD_TEST_PG_URL:-}" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PGDATA=$(mktemp -d /tmp/tisguard-pg.XXXXXX)
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else bash -c "$*"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
  run_pg "$PGBIN/initdb -D $PGDATA -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
  run_pg "$PGBIN/pg_ctl -D $PGDATA -o '-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' -l $PGDATA/server.log -w start" >/dev/null
  trap 'run_pg "$PGBIN/pg_ctl -D $PGDATA -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$PGDATA"' EXIT
  export TISGUARD_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
  echo "PostgreSQL test server on 127.0.0.1:$PGPORT"
fi
# Two pytest workers (pytest-xdist): the suite waits on Spark's JVM, PostgreSQL and Chromium as much as on the CPU,
# so two processes on this 2-core machine take ~14 min instead of ~20. TISGUARD_TEST_WORKERS=0 runs it in one.
WORKERS="${TISGUARD_TEST_WORKERS:-2}"
if [ "$WORKERS" = 0 ]; then
  .venv/bin/python -m pytest -q -p no:cacheprovider --durations=25 tests "$@"
else
  .venv/bin/python -m pytest -q -p no:cacheprovider --durations=25 -n "$WORKERS" tests "$@"
fi
