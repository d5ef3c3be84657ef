#!/usr/bin/env bash
# The fault suite (tests/faults): real concurrent transactions, a server process killed in the
# middle of a batch, scheduled actions run twice, the upgrade from the previous release tag, and
# uninstalling addons. It needs the test database of scripts/test.sh as a template (built here
# if missing) and the git tag of the previous release (HANLING_PREVIOUS_TAG, v18.0.1.1.0).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
export HANLING_TEST_DB=${HANLING_TEST_DB:-hanling_test}
export HANLING_FAULTS_DB=${HANLING_FAULTS_DB:-hanling_faults}
ADDONS=hanling_property,hanling_archive,hanling_errands,hanling_fees

if ! psql -X -lqt | cut -d'|' -f1 | grep -qw "$HANLING_TEST_DB"; then
    log "building the template database $HANLING_TEST_DB"
    "$PY" -m odoo -c odoo.conf -d "$HANLING_TEST_DB" -i "$ADDONS" --load-language=zh_CN \
        --stop-after-init --log-level=warn --max-cron-threads=0
    "$PY" -m odoo shell -c odoo.conf -d "$HANLING_TEST_DB" --log-level=warn >/dev/null <<'PY'
env["res.lang"]._activate_lang("en_US")
env.cr.commit()
PY
fi
# The previous release: 18.0.1.1.0 (the last one landed before the procedure kernel) is this commit of main (a clone may come without tags).
PREVIOUS_TAG=${HANLING_PREVIOUS_TAG:-v18.0.1.1.0}
PREVIOUS_COMMIT=4588da990e5902c581675f21204486980fb4a46d
git rev-parse -q --verify "refs/tags/$PREVIOUS_TAG" >/dev/null \
    || git tag "$PREVIOUS_TAG" "$PREVIOUS_COMMIT" 2>/dev/null \
    || git fetch --tags --quiet || die "the previous release $PREVIOUS_TAG is missing (git fetch --tags)"

log "running the fault suite"
set +e
# Plain pytest: these tests drive Odoo processes themselves (no pytest-odoo database).
"$PY" -m pytest -p no:odoo -c pytest.ini tests/faults "$@"
rc=$?
set -e
[ "$rc" -eq 5 ] && log "no tests ran: that is a failure"
exit "$rc"
