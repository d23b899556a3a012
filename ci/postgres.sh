#!/usr/bin/env bash
# A throwaway PostgreSQL server for the history tests: Debian's `postgresql` binaries, a data
# directory and a port of its own, listening on 127.0.0.1 only, password login (scram) for
# the superuser `qudag`.
#
#   ci/postgres.sh start DIR PORT   # prints the URL (postgres://qudag:PASSWORD@127.0.0.1:PORT/postgres)
#   ci/postgres.sh stop DIR
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
    echo "ci/postgres.sh: no PostgreSQL server binaries (apt-get install postgresql)" >&2
    exit 1
fi
# initdb and postgres refuse to run as root: run them as the package's `postgres` user then.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    dir=$2 port=$3
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
    as_owner "$bin/initdb" -D "$dir/data" -U qudag --pwfile="$dir/pwfile" \
        --auth=scram-sha-256 >"$dir/initdb.log" 2>&1
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" \
        start >/dev/null
    echo "postgres://qudag:$password@127.0.0.1:$port/postgres"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "usage: ci/postgres.sh start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
