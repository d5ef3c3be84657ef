#!/usr/bin/env bash
# Run the product: a local database with the three addons, demo data and Chinese, served on
# http://127.0.0.1:8069. The database is created once and reused afterwards.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
DB=${HANLING_DB:-hanling_demo}
ADDONS=hanling_property,hanling_archive,hanling_errands,hanling_fees

if ! psql -X -At -d postgres -c "select 1 from pg_database where datname='$DB'" | grep -q 1; then
    log "creating database $DB (addons, demo data, Chinese, six months of history): a few minutes, once"
    created_at=$SECONDS
    # A Chinese office: base first, then the company in China (CNY, Shanghai time) so that
    # installing accounting picks the Chinese chart of accounts (l10n_cn), then the addons.
    "$PY" -m odoo -c odoo.conf -d "$DB" -i base --load-language=zh_CN --stop-after-init --log-level=warn
    # SSD-era planner cost (docs/benchmarks.md): the monthly review uses its index.
    psql -X -q -d "$DB" -c "ALTER DATABASE \"$DB\" SET random_page_cost = 1.1"
    # Accounting next, in the same process: installed for a company in China it brings the
    # Chinese chart (l10n_cn) and its journals, which the demo invoices of the addons need.
    "$PY" -m odoo shell -c odoo.conf -d "$DB" --log-level=warn >/dev/null <<'PY'
company = env.ref("base.main_company")
env.ref("base.CNY").active = True
company.write({"country_id": env.ref("base.cn").id, "currency_id": env.ref("base.CNY").id})
company.partner_id.tz = "Asia/Shanghai"
env.cr.commit()
env["ir.module.module"].search([("name", "=", "account")]).button_immediate_install()
env.cr.commit()
PY
    "$PY" -m odoo -c odoo.conf -d "$DB" -i "$ADDONS" --stop-after-init --log-level=warn
    installed=$(psql -X -At -d "$DB" -c "select count(*) from ir_module_module
        where name in ('hanling_property', 'hanling_archive', 'hanling_errands', 'hanling_fees') and state = 'installed'")
    if [ "$installed" != 4 ]; then
        dropdb "$DB"
        die "installing the addons into $DB failed (see above); the database was removed."
    fi
    # One last process: the office reads Chinese, then six months of its life (issue 18), made
    # through the users' actions with the clock set back: addons/hanling_property/tools/
    # demo_history.py. HANLING_DEMO_MONTHS=0 skips the history; HANLING_DEMO_SCALE sizes it (1:
    # about 170 work orders, 30 complaints ...).
    months=${HANLING_DEMO_MONTHS:-6}
    if [ "$months" -gt 0 ]; then
        log "writing $months months of history of the demo office 翰岭院"
    fi
    HANLING_DEMO_MONTHS=$months HANLING_DEMO_SCALE=${HANLING_DEMO_SCALE:-1} "$PY" -m odoo shell -c odoo.conf -d "$DB" --log-level=warn >/dev/null <<'PY'
import os
import sys
from odoo.addons.hanling_property.tools import demo_history
env['res.users'].with_context(active_test=False).search([]).write({'lang': 'zh_CN', 'tz': 'Asia/Shanghai'})
# Fields a dependent addon inherits from a hanling_property mixin get their selection labels
# under hanling_property's name after hanling_property's terms were loaded: load them again.
env['ir.module.module'].search([('name', '=like', 'hanling_%')])._update_translations('zh_CN')
env.cr.commit()
months = int(os.environ["HANLING_DEMO_MONTHS"])
if months > 0:
    history = demo_history.generate(env(context=dict(env.context, lang="zh_CN")), months=months,
                                    scale=float(os.environ["HANLING_DEMO_SCALE"]), commit=True)
    print("demo history:", history and history.stats, file=sys.stderr)
PY
    log "database $DB ready in $((SECONDS - created_at)) s"
else
    log "reusing database $DB (drop it with: dropdb $DB)"
fi
# The port the server will listen on: odoo.conf's 8069 unless the arguments give another.
port=8069
previous=
for arg in "$@"; do
    case "$arg" in
        --http-port=*) port=${arg#--http-port=} ;;
        -p*) [ "$arg" != -p ] && port=${arg#-p} ;;
    esac
    case "$previous" in
        --http-port|-p) port=$arg ;;
    esac
    previous=$arg
done
log "web client: http://127.0.0.1:$port   login: admin   password: admin"
log "other demo users (password = login): duty, staff, tech, engsup, cssup, manager, rep, keeper; resident portal: resident"
exec "$PY" -m odoo -c odoo.conf -d "$DB" --db-filter="^$DB\$" "$@"
