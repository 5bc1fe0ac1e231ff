# Sourced: starts a throwaway PostgreSQL cluster (Debian's server binaries) in a temp dir on a
# free port, exports WXA_TEST_PG_URL, and stops it on exit.
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$PG_BIN" ]; then echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; fi
PG_DIR="$(mktemp -d /tmp/wxa-pg.XXXXXX)"
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
PG_USER=postgres
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$PG_DIR" 2>/dev/null || { useradd -r postgres 2>/dev/null || true; chown postgres "$PG_DIR"; }
  RUN_AS=(runuser -u postgres --)
fi
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" --auth=trust -E UTF8 >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
pg_stop() { "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
export WXA_TEST_PG_URL="postgres://$PG_USER@127.0.0.1:$PG_PORT/postgres"
echo "==> PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT"
