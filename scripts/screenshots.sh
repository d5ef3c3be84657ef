#!/usr/bin/env bash
# Regenerate every screenshot of the user guide (docs/guide/images/, list in docs/guide/shots.json)
# from the demo office. Uses the server at HANLING_URL (default http://127.0.0.1:8069) when it
# serves the demo database HANLING_DB (default hanling_demo); otherwise starts one on a free port
# through scripts/run.sh (which builds the demo database first if it is missing) and stops it
# afterwards. Extra arguments: only those shots, by name. Non-zero when any shot failed.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
setup_chromium
DB=${HANLING_DB:-hanling_demo}
URL=${HANLING_URL:-http://127.0.0.1:8069}

serves_db() {  # the server at $1 answers and knows the demo users of $DB
    curl -fsS --max-time 5 "$1/web/health" >/dev/null 2>&1 || return 1
    curl -fsS --max-time 20 -H 'Content-Type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"params\":{\"db\":\"$DB\",\"login\":\"admin\",\"password\":\"admin\"}}" \
        "$1/web/session/authenticate" 2>/dev/null | grep -q '"uid": *[0-9]'
}

server_pid=
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -- "-$server_pid" 2>/dev/null || kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap stop_server EXIT

if serves_db "$URL"; then
    log "using the server at $URL (database $DB)"
else
    port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    URL=http://127.0.0.1:$port
    logfile=$(mktemp /tmp/hanling-screenshots-XXXX.log)
    log "no server with $DB found: starting one on $URL (log: $logfile)"
    HANLING_DB=$DB setsid bash scripts/run.sh --http-port="$port" --max-cron-threads=0 \
        >"$logfile" 2>&1 </dev/null &
    server_pid=$!
    # The first run builds the demo database: allow it the time `make run` needs.
    for _ in $(seq 900); do
        serves_db "$URL" && break
        kill -0 "$server_pid" 2>/dev/null || { tail -20 "$logfile" >&2; die "the server stopped; see $logfile"; }
        sleep 2
    done
    serves_db "$URL" || die "the server on $URL did not come up in 30 minutes; see $logfile"
fi
"$PY" scripts/screenshots.py --url "$URL" --db "$DB" "$@"
