#!/usr/bin/env bash
# Run every test: a fresh database with the three addons (and their demo data, which the tours
# use), then pytest (pytest-odoo) over the addons' tests and tests/integration. Non-zero on any
# failure, on "no tests ran", and on any skipped test (a skipped browser tour is not a pass).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
setup_chromium
setup_pdf_check
DB=${HANLING_TEST_DB:-hanling_test}
ADDONS=hanling_property,hanling_archive,hanling_errands,hanling_fees
# The demo payment provider, for the portal payment tests only (never in run.sh).
ADDONS=$ADDONS,payment_demo

log "building a fresh test database $DB"
dropdb --if-exists "$DB"
"$PY" -m odoo -c odoo.conf -d "$DB" -i "$ADDONS" --load-language=zh_CN \
    --stop-after-init --log-level=warn --max-cron-threads=0
# Loading zh_CN as the only language archives en_US; tests read the source (English) messages
# and switch to zh_CN where they check a translation, so both stay active.
"$PY" -m odoo shell -c odoo.conf -d "$DB" --log-level=warn >/dev/null <<'PY'
env["res.lang"]._activate_lang("en_US")
env.cr.commit()
PY
# SSD-era planner cost, as in production (docs/benchmarks.md): indexes win where they should.
psql -X -q -d "$DB" -c "ALTER DATABASE \"$DB\" SET random_page_cost = 1.1"

log "running the tests"
# The benchmark suite's small mode checks correctness and query budgets, never time.
full_run=0
[ $# -gt 0 ] || { full_run=1; set -- addons tests/integration tests/benchmarks/test_bench_small.py; }
set +e
"$PY" -m pytest -c pytest.ini --odoo-config=odoo.conf --odoo-database="$DB" --odoo-http \
    "$@"
rc=$?
set -e
[ "$rc" -eq 5 ] && log "no tests ran: that is a failure"
[ "$rc" -eq 0 ] || exit "$rc"
# The fault suite drives Odoo processes of its own (concurrent transactions, a killed batch, the
# upgrade from the previous release, uninstalls), on copies of the test database.
if [ "$full_run" -eq 1 ]; then
    bash scripts/test_faults.sh
fi
