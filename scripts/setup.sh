#!/usr/bin/env bash
# Sets up what is missing to run or test the addons: PostgreSQL, the Python packages, Odoo 18.0
# Community, wkhtmltopdf with Chinese fonts for the printed forms. Sourced by run.sh and test.sh;
# safe to run again (it only does what is missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
PY=${PYTHON:-python3}

log() { printf '\033[1m[hanling]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[hanling] %s\033[0m\n' "$*" >&2; exit 1; }

apt_install() {
    command -v apt-get >/dev/null || die "Please install these packages with your system's package manager: $*"
    if [ -z "${HANLING_APT_UPDATED:-}" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
        export HANLING_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

pg_reachable() { psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1; }

setup_postgres() {
    if command -v psql >/dev/null && pg_reachable; then return; fi
    # No server reachable through the usual PG* variables: use a local Debian cluster on its socket.
    if ! command -v pg_ctlcluster >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        log "installing PostgreSQL (Debian package)"
        apt_install postgresql postgresql-client
    fi
    export PGHOST=/var/run/postgresql
    unset PGPORT PGPASSWORD
    if ! pg_reachable; then
        local cluster
        cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
        [ -n "$cluster" ] || { pg_createcluster 15 main >&2; cluster="15 main"; }
        log "starting PostgreSQL cluster $cluster"
        # shellcheck disable=SC2086
        pg_ctlcluster $cluster start >&2 || true
        for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
        local me; me=$(id -un)
        if [ "$me" = root ] || [ "$me" = postgres ]; then
            # Odoo refuses the 'postgres' role; a superuser role named after the OS user serves.
            su postgres -c "psql -X -q -tc \"select 1 from pg_roles where rolname='$me'\" | grep -q 1 \
                || createuser -s '$me'" >&2
        fi
        pg_reachable || die "PostgreSQL is not reachable; set PGHOST/PGPORT/PGUSER/PGPASSWORD to a server you can use."
    fi
}

odoo_version() { "$PY" -c 'import odoo.release as r; print(r.version)' 2>/dev/null || true; }

setup_odoo() {
    case "$(odoo_version)" in 18.0*) return ;; esac
    # Odoo is not on PyPI: install it the way its documentation does, from the official source.
    local url=${ODOO_SOURCE_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}
    local tmp; tmp=$(mktemp -d)
    log "Odoo 18.0 is not importable by $PY: fetching it from $url"
    if ! curl -fsSL --max-time 600 -o "$tmp/odoo.tar.gz" "$url"; then
        die "Odoo 18.0 Community is not installed and its official source ($url) cannot be reached.
Install it yourself, then run this command again:
    git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git
    pip install -r odoo/requirements.txt && pip install ./odoo
(or set ODOO_SOURCE_URL to a reachable copy of the 18.0 source tarball)."
    fi
    tar -xzf "$tmp/odoo.tar.gz" -C "$tmp"
    local src; src=$(dirname "$(find "$tmp" -maxdepth 2 -name setup.py | head -1)")
    apt_install libldap2-dev libsasl2-dev libpq-dev >/dev/null 2>&1 || true
    # cbor2 5.4.2 (pinned for Python < 3.12) no longer builds: a later patch release serves.
    sed -e 's/^cbor2==5\.4\.2/cbor2==5.4.6/' "$src/requirements.txt" > "$tmp/req.txt"
    "$PY" -m pip install -q -r "$tmp/req.txt" >&2
    "$PY" -m pip install -q "$src" >&2
    rm -rf "$tmp"
    case "$(odoo_version)" in 18.0*) ;; *) die "Odoo 18.0 installation failed; see the messages above." ;; esac
}

setup_python() {
    if ! "$PY" -c 'import pytest_odoo, odoo_test_helper, websocket, hypothesis, phonenumbers' 2>/dev/null; then
        log "installing Python packages from requirements.txt"
        "$PY" -m pip install -q -r "$ROOT/requirements.txt" >&2
    fi
}

has_chinese_font() {
    # Any font that covers Simplified Chinese serves; without one wkhtmltopdf prints boxes.
    command -v fc-list >/dev/null && [ -n "$(fc-list ':lang=zh-cn' family 2>/dev/null)" ]
}

setup_reports() {
    # Printed forms (work order, permit, receipts...) are PDFs made by wkhtmltopdf; without it
    # Odoo falls back to HTML. Odoo looks it up on the PATH, so any wkhtmltopdf found is kept
    # (e.g. the wkhtmltox build Odoo recommends); otherwise the Debian package is installed.
    local missing=()
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    has_chinese_font || missing+=(fontconfig fonts-noto-cjk)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing for the PDF reports: ${missing[*]}"
        apt_install "${missing[@]}"
    fi
    case "$(wkhtmltopdf --version 2>/dev/null || true)" in
        *"patched qt"*) ;;
        *) log "note: $(command -v wkhtmltopdf) is built without patched Qt: it prints one record at" \
            "a time (several selected at once give no PDF) and no letterhead header or footer;" \
            "the wkhtmltox 0.12.6.1 build (github.com/wkhtmltopdf/packaging) does both" ;;
    esac
}

setup_pdf_check() {
    # The report tests read the text of the printed PDFs with pdftotext (poppler-utils).
    if ! command -v pdftotext >/dev/null; then
        log "installing poppler-utils (pdftotext) for the report tests"
        apt_install poppler-utils
    fi
}

setup_chromium() {
    # Browser tours need a Chromium that Odoo can find by itself.
    if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null \
        && ! command -v google-chrome >/dev/null; then
        log "installing Chromium for the browser tours"
        apt_install chromium fonts-noto-cjk
    fi
}

setup_all() {
    setup_postgres
    setup_odoo
    setup_python
    setup_reports
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    setup_all
    setup_chromium
    setup_pdf_check
    log "ready: Odoo $(odoo_version), PostgreSQL $(psql -X -At -d postgres -c 'show server_version')"
fi
