#!/usr/bin/env bash
# Run the product: a local database with the three addons, demo data and Chinese, served on
# http://127.0.0.1:8069. The database is created once and reused afterwards.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
DB=${HANLING_DB:-hanling_demo}
ADDONS=hanling_property,hanling_archive,hanling_errands

if ! psql -X -At -d postgres -c "select 1 from pg_database where datname='$DB'" | grep -q 1; then
    log "creating database $DB (addons, demo data, Chinese): a few minutes, once"
    "$PY" -m odoo -c odoo.conf -d "$DB" -i "$ADDONS" --load-language=zh_CN \
        --stop-after-init --log-level=warn
    # The office reads Chinese: make it the language of the demo users.
    "$PY" -m odoo shell -c odoo.conf -d "$DB" --log-level=warn >/dev/null <<'PY'
env['res.users'].with_context(active_test=False).search([('share', '=', False)]).write({'lang': 'zh_CN', 'tz': 'Asia/Shanghai'})
env['res.partner'].search([]).filtered(lambda p: not p.lang or p.lang == 'en_US').write({'lang': 'zh_CN'})
env.cr.commit()
PY
else
    log "reusing database $DB (drop it with: dropdb $DB)"
fi
log "web client: http://127.0.0.1:8069   login: admin   password: admin"
log "other demo users (password = login): duty, staff, tech, engsup, cssup, manager, rep"
exec "$PY" -m odoo -c odoo.conf -d "$DB" --db-filter="^$DB\$" "$@"
