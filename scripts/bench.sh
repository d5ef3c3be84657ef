#!/usr/bin/env bash
# The benchmark suite (issue 9). Never part of `make test`.
#   scripts/bench.sh full [run.py options]   everything: ops beside the peers, scale 10k/100k/1M,
#                                            concurrency, install time, the fees billing run at
#                                            10k/100k units beside OCA contract (hours on 2 cores)
#                                            and the import of a bank return file of 100k lines
#                                            beside account.payment.register (the bank step)
#   scripts/bench.sh small [pytest args]     the CI mode: tests/benchmarks/test_bench_small.py on
#                                            a fresh database: correctness and query budgets only
# The peers (OCA helpdesk_mgmt and contract, core repair and maintenance) go only into the benchmark's own
# databases (hl_bench_*), never into the product's.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
mode=${1:-full}
shift || true
case "$mode" in
full)
    # The peers (helpdesk_mgmt, OCA contract for the fees step) and matplotlib.
    "$PY" -c 'import odoo.addons.helpdesk_mgmt, odoo.addons.contract, matplotlib' 2>/dev/null ||
        "$PY" -m pip install -q -r tests/benchmarks/requirements.txt
    "$PY" tests/benchmarks/run.py "$@"
    "$PY" tests/benchmarks/plot.py
    ;;
small)
    DB=${HANLING_BENCH_DB:-hl_bench_small}
    log "building a fresh database $DB"
    dropdb --if-exists "$DB"
    # Built like scripts/test.sh builds the CI database: demo data, zh_CN and en_US.
    "$PY" -m odoo -c odoo.conf -d "$DB" -i hanling_property,hanling_archive,hanling_errands,hanling_fees \
        --load-language=zh_CN --stop-after-init --log-level=warn --max-cron-threads=0
    "$PY" -m odoo shell -c odoo.conf -d "$DB" --log-level=warn >/dev/null <<'PY'
env["res.lang"]._activate_lang("en_US")
env.cr.commit()
PY
    "$PY" -m pytest -c pytest.ini --odoo-config=odoo.conf --odoo-database="$DB" \
        tests/benchmarks/test_bench_small.py "$@"
    ;;
*)
    die "usage: scripts/bench.sh full|small [options]"
    ;;
esac
