"""Hostile and bad input on every business model, driven by hypothesis.

For each model, as the role that works with it, hypothesis draws values for its editable fields
(empty, huge, wrong types, SQL and HTML fragments, negative and enormous amounts, impossible
dates, records of another company or that do not exist) and calls create, write and the model's
actions. Each attempt runs in a savepoint and must end in one of two ways:

- a clean refusal: ``UserError`` or one of its kinds (``ValidationError``, ``AccessError``,
  ``MissingError``), after which nothing of the attempt is left in the database; or
- a valid record: it reads back, passes its constraints, has a known state, and its chatter
  carries no raw HTML from the input.

Any other exception (a database error, a KeyError, a crash in a compute) fails the test with
the values that caused it, as hypothesis shrinks them. The example counts are small so that the
whole suite stays fast on two cores; raise HYPOTHESIS_EXAMPLES locally to search harder.
"""

import os
import traceback

import psycopg2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.hanling_archive.tests.common import ArchiveCase

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "10"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

SCRIPT = "<script>alert('x')</script>"
PAYLOADS = [
    "",
    " ",
    "\x00",
    "'; DROP TABLE hanling_work_order; --",
    "' OR '1'='1",
    "%(name)s %s {0} {{x}}",
    SCRIPT,
    '<img src=x onerror="alert(1)">',
    "<b>粗体</b><a href='javascript:alert(1)'>点我</a>",
    "王伟\u202e\u200b\ufeff",
    "😀" * 50,
    "长" * 5000,
    "x" * 100_000,
]
DATES = ["", "0001-01-01", "1900-01-01", "9999-12-31", "2026-02-30", "not a date", "2026-13-01"]
DATETIMES = ["", "0001-01-01 00:00:00", "9999-12-31 23:59:59", "2026-02-30 25:61:00", "yesterday"]
AMOUNTS = [0.0, -0.01, -1.0, -1e12, 1e-9, 0.005, 1e12, 1e15, 99999999999.99]
# Fields the ORM fills or the workflow owns: changing them is not input.
SKIP = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"}
SIMPLE = {
    "char",
    "text",
    "html",
    "integer",
    "float",
    "monetary",
    "date",
    "datetime",
    "selection",
    "many2one",
    "boolean",
}
CLEAN = UserError  # ValidationError, AccessError and MissingError are kinds of UserError
# Where the ORM itself refuses an ill-typed value before anything is stored (a date that does
# not parse, a selection key that does not exist, a NUL byte, a NOT NULL column left empty):
# the RPC layer answers these with an error message (IntegrityError becomes a ValidationError).
# Raised from anywhere else, in particular from the addons' own code, they are bugs.
ORM_CONVERSION_FILES = ("odoo/fields.py", "_strptime.py", "odoo/sql_db.py", "psycopg2")


def value_strategy(field, ids):
    """Hostile values for one field; ``ids`` are record ids of the comodel worth trying."""
    text = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=40))
    if field.type in ("char", "text", "html"):
        return st.one_of(text, st.just(False))
    if field.type == "integer":
        return st.one_of(st.integers(-(2**31), 2**31 - 1), st.sampled_from([0, -1]))
    if field.type in ("float", "monetary"):
        return st.one_of(st.sampled_from(AMOUNTS), st.floats(-1e9, 1e9, allow_nan=False))
    if field.type == "date":
        return st.one_of(st.sampled_from(DATES), st.dates().map(fields.Date.to_string))
    if field.type == "datetime":
        return st.one_of(st.sampled_from(DATETIMES), st.datetimes().map(fields.Datetime.to_string))
    if field.type == "boolean":
        return st.booleans()
    if field.type == "many2one":
        return st.sampled_from([False, *ids, 2**31 - 1])
    raise AssertionError(field.type)


@tagged("post_install", "-at_install")
class TestHostileInput(ArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hanling.occupancy"].create({"unit_id": cls.unit.id, "partner_id": cls.owner.id})
        cls.other_company = cls.env["res.company"].create({"name": "另一管理处"})
        community = cls.env["hanling.community"].create(
            {"name": "别处", "code": "OTH", "company_id": cls.other_company.id}
        )
        building = cls.env["hanling.building"].create(
            {"name": "A", "code": "OA", "community_id": community.id}
        )
        cls.foreign_unit = cls.env["hanling.unit"].create(
            {"building_id": building.id, "floor": 1, "room": "101"}
        )
        cls.service = cls.env["hanling.service"].create(
            {"name": "测试 换锁", "fee_type": "paid", "list_price": 30.0}
        )
        cls.complaint = cls.env["hanling.complaint"].create(
            {"unit_id": cls.unit.id, "content": "楼道灯坏了", "category": "repair"}
        )
        cls.supplier = cls.env["res.partner"].create({"name": "翰岭蛋糕坊"})
        cls.buyer = cls.env["res.partner"].create({"name": "新业主", "mobile": "13900002222"})
        cls.room = cls.env["hanling.room"].create(
            {"name": "棋牌室", "community_id": cls.community.id, "room_type": "chess"}
        )

    # ------------------------------------------------------------------ set-up per model

    def _cases(self):
        """model -> (user, valid create values)."""
        users = self.users
        return {
            "hanling.work.order": (
                users["t_duty"],
                {"unit_id": self.unit.id, "description": "漏水", "service_id": self.service.id},
            ),
            "hanling.complaint": (
                users["t_staff"],
                {"unit_id": self.unit.id, "content": "噪音", "category": "repair"},
            ),
            "hanling.nonconformity": (
                users["t_cssup"],
                {"complaint_id": self.complaint.id, "description": "服务不及时"},
            ),
            "hanling.errand": (
                users["t_staff"],
                {"unit_id": self.unit.id, "description": "蛋糕", "kind": "cake"},
            ),
            "hanling.duty.log": (users["t_duty"], {"request": "停水咨询"}),
            "hanling.occupancy": (
                users["t_staff"],
                {"unit_id": self.unit2.id, "partner_id": self.owner.id},
            ),
            "hanling.archive.resident": (
                self.keeper,
                {"dossier_id": self.dossier.id, "partner_id": self.owner.id, "name": "王伟"},
            ),
            "hanling.archive.event": (
                self.keeper,
                {"dossier_id": self.dossier.id, "name": "漏水纠纷", "kind": "complaint"},
            ),
            "hanling.decoration.permit": (
                users["t_staff"],
                {
                    "unit_id": self.unit.id,
                    "partner_id": self.owner.id,
                    "contractor_id": self.supplier.id,
                    "contractor_manager": "李工",
                    "contractor_phone": "139 1234 5678",
                    "scope": "厨房改造",
                    "date_planned_start": "2026-06-01",
                    "date_planned_end": "2026-07-01",
                    "deposit_amount": 2000.0,
                },
            ),
            "hanling.move.in": (
                users["t_staff"],
                {"unit_id": self.unit2.id, "partner_id": self.owner.id},
            ),
            "hanling.ownership.transfer": (
                users["t_staff"],
                {"unit_id": self.unit.id, "partner_id": self.buyer.id},
            ),
            "hanling.room.booking": (
                users["t_staff"],
                {
                    "room_id": self.room.id,
                    "purpose": "象棋比赛",
                    "partner_id": self.owner.id,
                    "date_start": "2026-05-01 01:00:00",
                    "date_stop": "2026-05-01 03:00:00",
                },
            ),
            "hanling.archive.borrow": (
                users["t_staff"],
                {
                    "borrower_type": "internal",
                    "borrower_user_id": users["t_tech"].id,
                    "department": "工程部",
                    "dossier_ids": [(6, 0, self.dossier.ids)],
                    "purpose": "核对",
                    "mode": "read",
                    "companion_id": users["t_staff"].id,
                    "date_due": "2099-12-31",
                },
            ),
        }

    def _fuzz_fields(self, model, user):
        """The fields a user edits: stored, of a simple type, not the workflow's own."""
        Model = self.env[model]
        result = {}
        for name, field in Model._fields.items():
            if name in SKIP or field.type not in SIMPLE or not field.store:
                continue
            if field.readonly or (field.compute and not field.inverse) or field.related:
                continue
            if field.groups and not user.has_groups(field.groups):
                continue
            result[name] = field
        return result

    def _ids_for(self, field):
        """Ids worth trying in a many2one: one of ours, one of another company, none."""
        Comodel = self.env[field.comodel_name].with_context(active_test=False)
        ours = Comodel.search([], limit=1, order="id")
        foreign = self.env[field.comodel_name]
        if "company_id" in Comodel._fields and Comodel._fields["company_id"].store:
            foreign = Comodel.search([("company_id", "=", self.other_company.id)], limit=1)
        if field.comodel_name == "hanling.unit":
            foreign = self.foreign_unit
        if field.comodel_name == "res.company":
            foreign = self.other_company
        return [*ours.ids, *foreign.ids]

    def _hostile_vals(self, data, model, user):
        fuzz = self._fuzz_fields(model, user)
        names = data.draw(
            st.lists(st.sampled_from(sorted(fuzz)), min_size=1, max_size=4, unique=True),
            label="fields",
        )
        vals = {}
        for name in names:
            field = fuzz[name]
            if field.type == "selection":
                keys = [key for key, _label in field._description_selection(self.env)]
                strategy = st.one_of(st.sampled_from(keys), st.sampled_from(["", "'; --", "x"]))
            else:
                strategy = value_strategy(field, self._ids_for(field) if field.comodel_name else [])
            vals[name] = data.draw(strategy, label=name)
        return vals

    # ------------------------------------------------------------------ checks

    def _attempt(self, call):
        """Run call in a savepoint: True if it succeeded, False if cleanly refused."""
        try:
            with self.env.cr.savepoint():
                call()
                self.env.flush_all()
        except CLEAN:
            self.env.invalidate_all()
            return False
        except (ValueError, TypeError, psycopg2.DataError, psycopg2.IntegrityError) as error:
            innermost = traceback.extract_tb(error.__traceback__)[-1].filename
            if not innermost.endswith(ORM_CONVERSION_FILES) and "psycopg2" not in innermost:
                raise
            self.env.invalidate_all()
            return False
        return True

    def _snapshot(self, record, names):
        record.invalidate_recordset()
        return record.sudo().read(names)[0]

    def _assert_valid(self, record, user):
        record.invalidate_recordset()
        self.assertTrue(record.exists())
        record = record.with_user(user)
        record.sudo()._validate_fields(record._fields)
        for name, field in record._fields.items():
            if field.required and field.store and field.type != "boolean":
                self.assertTrue(record.sudo()[name] is not None, f"{name} left empty")
        if "state" in record._fields:
            states = dict(record._fields["state"]._description_selection(self.env))
            self.assertIn(record.sudo().state, states)
        if "message_ids" in record._fields:
            bodies = " ".join(str(b) for b in record.sudo().message_ids.mapped("body"))
            self.assertNotIn("<script", bodies)
            self.assertNotIn("onerror", bodies)
            self.assertNotIn("javascript:", bodies)

    def _drive(self, model, data):
        """One example, rolled back afterwards so that the examples do not see each other."""
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT hostile_example")
        try:
            self._drive_example(model, data)
        finally:
            self.env.invalidate_all()
            self.env.cr.execute("ROLLBACK TO SAVEPOINT hostile_example")
            self.env.cr.execute("RELEASE SAVEPOINT hostile_example")

    def _drive_example(self, model, data):
        user, base = self._cases()[model]
        Model = self.env[model].with_user(user)
        count = Model.sudo().with_context(active_test=False).search_count([])
        vals = {**base, **self._hostile_vals(data, model, user)}
        created = []
        if self._attempt(lambda: created.append(Model.create(vals))):
            record = created[0]
            self._assert_valid(record, user)
        else:
            self.assertEqual(
                Model.sudo().with_context(active_test=False).search_count([]),
                count,
                "a refused create leaves nothing behind",
            )
            record = Model.create(base)
        # write hostile values on a valid record
        changes = self._hostile_vals(data, model, user)
        before = self._snapshot(record, list(changes))
        if self._attempt(lambda: record.write(changes)):
            self._assert_valid(record, user)
        else:
            self.assertEqual(self._snapshot(record, list(changes)), before, "half-written")
        # then every action the model offers, in a drawn order
        actions = sorted(
            name
            for name in dir(type(record))
            if name.startswith("action_")
            and callable(getattr(type(record), name))
            # The addons' own actions; Odoo's generic ones (share, archive) are client actions.
            and getattr(type(record), name).__module__.startswith("odoo.addons.hanling_")
        )
        drawn = (
            data.draw(st.lists(st.sampled_from(actions), max_size=3), label="actions")
            if actions
            else []
        )
        for action in drawn:
            state = record.sudo().state if "state" in record._fields else None
            if not self._attempt(lambda a=action: getattr(record, a)()):
                record.invalidate_recordset()
                if state is not None:
                    self.assertEqual(record.sudo().state, state, f"{action} half-done")
            self._assert_valid(record, user)

    # ------------------------------------------------------------------ one test per model

    @SETTINGS
    @given(data=st.data())
    def test_work_order(self, data):
        self._drive("hanling.work.order", data)

    @SETTINGS
    @given(data=st.data())
    def test_complaint(self, data):
        self._drive("hanling.complaint", data)

    @SETTINGS
    @given(data=st.data())
    def test_nonconformity(self, data):
        self._drive("hanling.nonconformity", data)

    @SETTINGS
    @given(data=st.data())
    def test_errand(self, data):
        self._drive("hanling.errand", data)

    @SETTINGS
    @given(data=st.data())
    def test_duty_log(self, data):
        self._drive("hanling.duty.log", data)

    @SETTINGS
    @given(data=st.data())
    def test_occupancy(self, data):
        self._drive("hanling.occupancy", data)

    @SETTINGS
    @given(data=st.data())
    def test_archive_resident(self, data):
        self._drive("hanling.archive.resident", data)

    @SETTINGS
    @given(data=st.data())
    def test_archive_event(self, data):
        self._drive("hanling.archive.event", data)

    @SETTINGS
    @given(data=st.data())
    def test_archive_borrow(self, data):
        self._drive("hanling.archive.borrow", data)

    @SETTINGS
    @given(data=st.data())
    def test_decoration_permit(self, data):
        self._drive("hanling.decoration.permit", data)

    @SETTINGS
    @given(data=st.data())
    def test_move_in(self, data):
        self._drive("hanling.move.in", data)

    @SETTINGS
    @given(data=st.data())
    def test_ownership_transfer(self, data):
        self._drive("hanling.ownership.transfer", data)

    @SETTINGS
    @given(data=st.data())
    def test_room_booking(self, data):
        self._drive("hanling.room.booking", data)
