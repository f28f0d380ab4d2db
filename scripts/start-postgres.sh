#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (and for trying the store locally).
#
#   scripts/start-postgres.sh install            # apt-get install postgresql if missing (root)
#   scripts/start-postgres.sh start DIR PORT     # new cluster in DIR on 127.0.0.1:PORT, db "denials"
#   scripts/start-postgres.sh stop DIR           # stop it (DIR can then be deleted)
#
# `start` prints the SQLAlchemy URL on its last line:
#   postgresql+psycopg://denials@127.0.0.1:PORT/denials
# Trust authentication on 127.0.0.1 only: this is a test server, never a production one.
# PostgreSQL refuses to run as root; as root the cluster runs as the `postgres` user.
set -euo pipefail

find_bin() {
    local b
    for b in /usr/lib/postgresql/*/bin; do
        [[ -x "$b/initdb" ]] && { echo "$b"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

as_pg() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:-}
case "$cmd" in
install)
    if find_bin >/dev/null; then echo "postgresql: already installed"; exit 0; fi
    if [[ $(id -u) -ne 0 ]]; then
        echo "postgresql is missing: run 'sudo apt-get install -y postgresql' (or run this as root)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    # the package starts a system cluster; the tests start their own
    find_bin >/dev/null || { echo "postgresql install failed: no initdb" >&2; exit 1; }
    echo "postgresql: installed"
    ;;
start)
    dir=${2:?usage: start-postgres.sh start DIR PORT}
    port=${3:?usage: start-postgres.sh start DIR PORT}
    bin=$(find_bin) || { echo "no PostgreSQL server binaries: run scripts/start-postgres.sh install" >&2; exit 1; }
    mkdir -p "$dir"
    chmod 700 "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U denials --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U denials denials
    echo "postgresql+psycopg://denials@127.0.0.1:$port/denials"
    ;;
stop)
    dir=${2:?usage: start-postgres.sh stop DIR}
    bin=$(find_bin) || exit 0
    [[ -d "$dir/data" ]] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    ;;
*)
    echo "usage: $0 install | start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
