#!/usr/bin/env bash
# A throwaway PostgreSQL server for the history tests: Debian's `postgresql` binaries, a data
# directory and a port of its own, listening on 127.0.0.1 only, password login (scram) for
# the superuser `qudag`.
#
#   ci/postgres.sh start DIR PORT [tls]   # prints the URL (postgres://qudag:PASSWORD@127.0.0.1:PORT/postgres)
#   ci/postgres.sh stop DIR
#
# With `tls` the server also takes TLS, with a certificate for 127.0.0.1 signed by a CA made
# for it, DIR/ca.crt (what a client's PGSSLROOTCERT names).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
    echo "ci/postgres.sh: no PostgreSQL server binaries (apt-get install postgresql)" >&2
    exit 1
fi
# initdb and postgres refuse to run as root: run them as the package's `postgres` user then.
# From /, which that user can enter whatever the caller's directory.
as_owner() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# A CA (DIR/ca.crt) and a server certificate for 127.0.0.1 it signed, valid for two days.
make_certificates() {
    local dir=$1
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=qudag-bench test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 2 -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
    chmod 600 "$dir/server.key"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/server.key" "$dir/server.crt"
    chmod 644 "$dir/ca.crt"
}

case "${1:-}" in
start)
    dir=$(realpath -m "$2") port=$3
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
    as_owner "$bin/initdb" -D "$dir/data" -U qudag --pwfile="$dir/pwfile" \
        --auth=scram-sha-256 >"$dir/initdb.log" 2>&1
    options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off"
    if [ "${4:-}" = tls ]; then
        make_certificates "$dir"
        options="$options -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key"
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$options" start >/dev/null
    echo "postgres://qudag:$password@127.0.0.1:$port/postgres"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$(realpath -m "$2")/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "usage: ci/postgres.sh start DIR PORT [tls] | stop DIR" >&2
    exit 2
    ;;
esac
