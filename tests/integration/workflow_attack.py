"""The attack engine of test_workflow_attack.py: forge workflow-owned fields as a client would.

Shared by the test suite (which asserts that every attempt is refused by the workflow guard) and
by :func:`write_baseline`, which runs the same attempts against a database of the code before
the procedure kernel (issue 14) and writes down which forged values stuck.

An *attempt* runs inside a savepoint that is always rolled back. When the call raises, the
client's transaction would be rolled back too: nothing stuck. When it returns, the database is
read back (after the flush) inside the savepoint: what a client's request would have committed.
"""

import base64
import contextlib
import functools
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import Command, fields

ADDONS = Path(__file__).resolve().parents[2] / "addons"

# The demo users, one per office role, and the portal resident (login = password). The second
# technician (tech2) holds the same role as tech and is left out.
ROLE_LOGINS = (
    "duty",
    "staff",
    "tech",
    "engsup",
    "cssup",
    "manager",
    "rep",
    "keeper",
    "resident",
)
# The portal routes work in sudo for the resident: sudo must grant nothing either.
PORTAL_SUDO = "resident+sudo"

# Keys of Odoo itself an attacker would try: module installation, tracking, imports.
ATTACKER_KEYS = ("install_mode", "tracking_disable", "import_file")

# What a context key is sent as: a value Odoo accepts for its own keys, True for any flag.
KEY_VALUES = {
    "lang": "en_US",
    "tz": "Asia/Shanghai",
    "active_test": False,
    "allowed_company_ids": None,  # filled with the company at run time
}

# ------------------------------------------------------------------ the context keys we read

_CTX = r"(?<![A-Za-z0-9])_?(?:context|ctx)"
_KEY = r"""["']([A-Za-z_][\w.]*)["']"""
_READ_PATTERNS = (
    re.compile(_CTX + r"\.(?:get|pop|setdefault)\(\s*" + _KEY),  # context.get("…")
    re.compile(_CTX + r"\[\s*" + _KEY + r"\s*\]"),  # context["…"]
    re.compile(_KEY + r"\s+(?:not\s+)?in\s+(?:[\w.]*\.)?_?(?:context|ctx)\b"),  # "…" in context
)
_WITH_CONTEXT = re.compile(r"\bwith_context\(")
_ACTION_CONTEXT = re.compile(r"""["']context["']\s*:\s*\{""")
_KWARG = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*=(?!=)")
_DICT_KEY = re.compile(_KEY + r"\s*:")


def uses_guard(model_class):
    """Whether a registry class inherits the workflow guard.

    By name along the class's MRO, not by class identity: a test that reloads the registry
    (odoo-test-helper's FakeModelLoader) rebuilds the mixin's registry class.
    """
    return any(
        klass.__dict__.get("_name") == "hanling.workflow.mixin" for klass in model_class.__mro__
    )


def guarded_models(registry):
    """The concrete models that use the workflow guard, by name."""
    return sorted(
        name
        for name, model_class in registry.items()
        if uses_guard(model_class) and not model_class._abstract and not model_class._transient
    )


def _top_level(text, start):
    """The text from ``start`` to the bracket closing the one before it, nested ones blanked."""
    depth, out = 1, []
    for char in text[start:]:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                break
        out.append(char if depth == 1 else " ")
    return "".join(out)


def keys_in_source(text):
    """Every context key a piece of Python source reads or sets."""
    keys = set()
    for pattern in _READ_PATTERNS:
        keys.update(pattern.findall(text))
    for match in _WITH_CONTEXT.finditer(text):
        args = _top_level(text, match.end())
        keys.update(_KWARG.findall(args))  # with_context(key=…, other=…)
        rest = text[match.end() :]
        if rest.lstrip().startswith("{"):  # with_context({"key": …})
            opening = match.end() + len(rest) - len(rest.lstrip()) + 1
            keys.update(_DICT_KEY.findall(_top_level(text, opening)))
    for match in _ACTION_CONTEXT.finditer(text):  # actions: "context": {"default_x": …}
        keys.update(_DICT_KEY.findall(_top_level(text, match.end())))
    return keys


def context_keys(addons_root=ADDONS):
    """The context keys of the addons' code (their tests excluded), read from the source now."""
    keys = set()
    for path in sorted(Path(addons_root).glob("**/*.py")):
        if "tests" in path.relative_to(addons_root).parts:
            continue
        keys |= keys_in_source(path.read_text(encoding="utf-8"))
    return keys


# ------------------------------------------------------------------ forged values


def normalize(field, value):
    """A value of ``field`` in a form that compares equal to the same value written otherwise."""
    if field.type in ("many2one", "one2many", "many2many"):
        if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
            return tuple(sorted(value))  # normalized already
        if hasattr(value, "ids"):
            return tuple(sorted(value.ids))
        if isinstance(value, int):
            return (value,)
        if isinstance(value, list | tuple):
            ids = set()
            for command in value:
                if isinstance(command, list | tuple) and command[0] == Command.SET:
                    ids |= set(command[2])
                elif isinstance(command, list | tuple) and command[0] == Command.LINK:
                    ids.add(command[1])
            return tuple(sorted(ids))
        return ()
    if field.type == "date" and value:
        return fields.Date.to_string(fields.Date.to_date(value))
    if field.type == "datetime" and value:
        return fields.Datetime.to_string(fields.Datetime.to_datetime(value))
    if field.type in ("float", "monetary"):
        return round(value or 0.0, 2)
    if field.type == "binary" and value:
        return bytes(value) if not isinstance(value, str) else value.encode()
    return value or False


def default_value(model, field):
    """The field's own default on a new record (None when it has none)."""
    if field.default is None:
        return None
    return field.default(model)


def forge(model, field, current, attacker):
    """A value for ``field`` that its document does not have: what an attacker would send.

    ``current`` is the value on the attacked record (or the field's default for a create);
    None when no such value exists (the field cannot be forged, e.g. no other record).
    """
    env = model.env
    now = normalize(field, current)
    kind = field.type
    if kind == "selection":
        keys = [key for key, _label in field._description_selection(env)]
        others = [key for key in keys if key != now]
        # The last step of a procedure is its most valuable forgery (done, approved, paid…).
        preferred = [key for key in others if key not in ("cancel", "cancelled", "rejected")]
        return (preferred or others or [None])[-1]
    if kind == "many2one":
        comodel = env[field.comodel_name].sudo().with_context(active_test=False)
        if field.comodel_name == "res.users" and (attacker.id,) != now:
            return attacker.id  # "approved by me"
        other = comodel.search([("id", "not in", list(now))], limit=1, order="id desc")
        return other.id or None
    if kind in ("one2many", "many2many"):
        comodel = env[field.comodel_name].sudo().with_context(active_test=False)
        other = comodel.search([("id", "not in", list(now))], limit=1, order="id desc")
        return [Command.set(other.ids)] if other else None
    if kind == "date":
        value = date(2030, 1, 1)
        return fields.Date.to_string(value if now != "2030-01-01" else date(2030, 1, 2))
    if kind == "datetime":
        value = "2030-01-01 08:00:00"
        return value if now != value else "2030-01-02 08:00:00"
    if kind in ("float", "monetary"):
        return 9000.0 if now != 9000.0 else 9001.0
    if kind == "integer":
        return 9000 if now != 9000 else 9001
    if kind == "boolean":
        return not now
    if kind in ("char", "text", "html"):
        return "FORGED/9000" if now != "FORGED/9000" else "FORGED/9001"
    if kind == "binary":
        return base64.b64encode(b"forged")
    return None


# ------------------------------------------------------------------ attempts


class _Rollback(Exception):
    pass


class Outcome:
    """What an attempt did: the exception the client got, or what its request committed."""

    def __init__(self, env):
        self.env = env  # the attacker's environment (user, sudo, context): the error's language
        self.error = None
        self.created = []  # the ids of the records a create/copy made
        self.values = []  # their values of the forged fields
        self.changed = {}  # field -> (before, after) of a write
        self.stuck = False  # the forged value is in the database

    def __repr__(self):
        if self.error is not None:
            return f"refused: {type(self.error).__name__}: {self.error}"
        return f"accepted: stuck={self.stuck} created={self.created} changed={self.changed}"


class Attacker:
    """Forge the workflow-owned fields of the procedure models, as every role, by every door."""

    def __init__(self, env, owned_fields, keys):
        self.env = env
        self.owned_fields = owned_fields  # model name -> the field names to forge
        self.company = env.company
        self.keys = sorted(keys)
        self._last_ids = {}
        self._contexts = {}
        self._base_values = {}
        self._plain = {}
        self._fixes = {}
        users = env["res.users"].with_context(active_test=False)
        self.users = {login: users.search([("login", "=", login)]) for login in ROLE_LOGINS}
        missing = [login for login, user in self.users.items() if not user]
        if missing:
            raise AssertionError(f"demo users missing from the database: {missing}")

    # --- who and what

    def roles(self, model_name, mode=None):
        """The roles with ``mode`` access to the model (create or write when None), and the
        resident through a portal route's sudo."""
        modes = (mode,) if mode else ("create", "write")
        roles = []
        for login, user in self.users.items():
            Model = self.env[model_name].with_user(user).browse()
            if any(Model.has_access(m) for m in modes):
                roles.append(login)
        return [*roles, PORTAL_SUDO]

    def plain(self, door, model_name, role):
        """The plain (unforged) create or copy of the model's template by the role: its error.

        None when the role makes it. Where it cannot (its record rules, the template's values),
        a forged attempt can only be checked for leaving nothing behind, not for the guard's
        own refusal naming the forged field.
        """
        key = (door, model_name, role)
        if key not in self._plain:
            template = self.template(model_name)
            if door == "create":
                vals = self.create_values(template, role)
                outcome = self.create_with_defaults(model_name, role, vals, {})
            else:
                outcome = self.copy(template, role, {}, {})
            self._plain[key] = outcome.error
        return self._plain[key]

    def can(self, door, model_name, role):
        return self.plain(door, model_name, role) is None

    def as_role(self, records, role):
        if role == PORTAL_SUDO:
            return records.with_user(self.users["resident"]).sudo()
        return records.with_user(self.users[role])

    def attacker_user(self, role):
        return self.users["resident" if role == PORTAL_SUDO else role]

    def key_value(self, key):
        if key == "allowed_company_ids":
            return self.company.ids
        return KEY_VALUES.get(key, True)

    def contexts(self, model_name, field_name, user, door="write", alone=True):
        """The contexts to attack with: none, every key at once and, for the state, each key.

        Every key at once: the collected keys, Odoo's keys an attacker would try and
        ``default_<field>`` of a forged value for every owned field. Each key alone (when
        ``alone``): on ``create`` and ``write`` (``copy`` is a create), ``default_state`` on
        ``create`` only.
        """
        cache_key = (model_name, user.id, door, field_name == "state" and alone)
        if cache_key not in self._contexts:
            Model = self.env[model_name].with_user(user)
            defaults = {}
            for name in self.owned_fields(model_name):
                field = Model._fields[name]
                value = forge(Model, field, default_value(Model, field), user)
                if value is not None:
                    defaults[f"default_{name}"] = value
            keys = {key: self.key_value(key) for key in (*self.keys, *ATTACKER_KEYS)}
            contexts = [("-", {}), ("all keys", {**keys, **defaults})]
            if cache_key[3] and door in ("create", "write"):
                if door == "create" and "default_state" in defaults:
                    keys["default_state"] = defaults["default_state"]
                contexts += [(key, {key: value}) for key, value in keys.items()]
            self._contexts[cache_key] = contexts
        return self._contexts[cache_key]

    def template(self, model_name):
        """An existing record of the model, in its first state where one is."""
        Model = self.env[model_name].sudo().with_context(active_test=False)
        state = Model._fields.get("state")
        if state is not None and state.default is not None:
            first = Model.search([("state", "=", state.default(Model))], limit=1, order="id")
            if first:
                return first
        return Model.search([], limit=1, order="id")

    def target(self, model_name, role):
        """A record the role may write, or any record when the role sees none."""
        if role != PORTAL_SUDO:
            for record in self.as_role(self.env[model_name], role).search([], limit=30, order="id"):
                if record.has_access("write"):
                    return record.sudo()
        return self.template(model_name)

    def base_values(self, template):
        """What a form would send to create a document like ``template`` (no owned field).

        When the template's values cannot make a second document (one move-in per unit, one
        review per month, one booking of a room at a time), the first change that makes it
        possible is kept: another record for one many2one, or every date five years earlier.
        The change is also the ``default`` of the copies (:meth:`copy`).
        """
        model_name = template._name
        if model_name in self._base_values:
            return self._base_values[model_name]
        owned = set(self.owned_fields(model_name))
        fields_ = template._fields
        vals = {
            name: value
            for name, value in template.copy_data()[0].items()
            # A required field without default stays: no document is made without it.
            if name not in owned
            or (
                fields_[name].required
                and fields_[name].default is None
                and not fields_[name].compute
            )
        }
        fix = {}
        if not self._creates(model_name, vals):
            fix = next(
                (
                    change
                    for change in self._changes(template, vals)
                    if self._creates(model_name, {**vals, **change})
                ),
                {},
            )
        self._base_values[model_name] = {**vals, **fix}
        self._fixes[model_name] = fix
        return self._base_values[model_name]

    def _changes(self, template, vals):
        """Candidate changes of ``vals`` that may make a second document possible."""
        for name, value in vals.items():
            # A code unique in its community (a unit's): another code.
            if template._fields[name].type == "char" and value:
                yield {name: f"{value}-2"}
        for name, value in vals.items():
            field = template._fields[name]
            if field.type != "many2one" or not value:
                continue
            Comodel = self.env[field.comodel_name].sudo()
            domain = [("id", "!=", value)]
            if "company_id" in Comodel._fields:
                domain.append(("company_id", "in", (False, self.company.id)))
            for other in Comodel.search(domain, limit=15, order="id"):
                yield {name: other.id}
        earlier = {
            name: template[name] - relativedelta(years=5)
            for name, value in vals.items()
            if template._fields[name].type in ("date", "datetime") and value
        }
        if earlier:
            yield earlier

    def _creates(self, model_name, vals):
        outcome = self._run(
            self.env, lambda outcome: self.env[model_name].create(dict(vals)), lambda outcome: None
        )
        return outcome.error is None

    def create_values(self, template, role):
        """:meth:`base_values` without the fields the role cannot write."""
        vals = self.base_values(template)
        user_env = self.as_role(template, role).env
        return {
            name: value
            for name, value in vals.items()
            if name in template._fields
            and (user_env.su or template._fields[name].is_accessible(user_env))
        }

    # --- the attempts

    def _run(self, env, act, check):
        outcome = Outcome(env)
        with contextlib.suppress(_Rollback), self.env.cr.savepoint():
            try:
                act(outcome)
                self.env.flush_all()
            except psycopg2.Error as error:  # the savepoint is aborted: nothing to read back
                outcome.error = error
                raise _Rollback from None
            except Exception as error:  # what the client receives
                outcome.error = error
            if outcome.error is None:
                self.env.invalidate_all()
            else:
                # What reached the database before the refusal; its pending changes dropped.
                self.env.transaction.clear()
            check(outcome)
            raise _Rollback
        self.env.invalidate_all(flush=False)
        return outcome

    def _last_id(self, model_name):
        # Every attempt is rolled back: the highest id before the first one stays the highest.
        if model_name not in self._last_ids:
            self.env.flush_all()
            self.env.cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.env[model_name]._table}"')
            self._last_ids[model_name] = self.env.cr.fetchone()[0]
        return self._last_ids[model_name]

    def _check_created(self, model_name, last_id, forged, watched=()):
        def check(outcome):
            Model = self.env[model_name].sudo().with_context(active_test=False)
            created = Model.search([("id", ">", last_id)])
            outcome.created = created.ids
            # Read now: the records are gone once the savepoint is rolled back.
            names = {*forged, *watched}
            outcome.values = [
                {name: normalize(Model._fields[name], record[name]) for name in names}
                for record in created
            ]
            outcome.stuck = bool(forged) and any(
                all(
                    values[name] == normalize(Model._fields[name], value)
                    for name, value in forged.items()
                )
                for values in outcome.values
            )

        return check

    def snapshot(self, record, names):
        record = record.sudo().with_context(active_test=False)
        record.invalidate_recordset()
        return {name: normalize(record._fields[name], record[name]) for name in names}

    def create(self, model_name, role, vals, forged, context):
        """``create(vals + forged)`` as the role, with the context."""
        last_id = self._last_id(model_name)
        Model = self.as_role(self.env[model_name], role).with_context(**context)

        def act(outcome):
            Model.create({**vals, **forged})

        return self._run(Model.env, act, self._check_created(model_name, last_id, forged))

    def create_with_defaults(self, model_name, role, vals, defaults, watched=()):
        """``create(vals)`` with ``default_<field>`` of forged values in the context.

        Without ``defaults``, the plain create: ``watched`` are the values to read back.
        """
        last_id = self._last_id(model_name)
        context = {f"default_{name}": value for name, value in defaults.items()}
        Model = self.as_role(self.env[model_name], role).with_context(**context)
        return self._run(
            Model.env,
            lambda outcome: Model.create(dict(vals)),
            self._check_created(model_name, last_id, defaults, watched),
        )

    def copy(self, record, role, forged, context):
        """``record.copy(default=forged)`` as the role, with the context."""
        last_id = self._last_id(record._name)
        rec = self.as_role(record, role).with_context(**context)
        self.base_values(record)  # what a second document needs (another unit, other dates)
        default = {**self._fixes[record._name], **forged}
        return self._run(
            rec.env,
            lambda outcome: rec.copy(default=default),
            self._check_created(record._name, last_id, forged),
        )

    def write(self, record, role, forged, context, watched, before=None):
        """``record.write(forged)`` as the role, with the context; ``watched`` compared after.

        ``before``: the snapshot of ``watched`` taken once for a series of attempts.
        """
        before = before or self.snapshot(record, watched)
        rec = self.as_role(record, role).with_context(**context)

        def check(outcome):
            after = self.snapshot(record, watched)
            outcome.changed = {
                name: (before[name], after[name]) for name in watched if before[name] != after[name]
            }
            outcome.stuck = all(
                after[name] == normalize(record._fields[name], value)
                for name, value in forged.items()
            )

        return self._run(rec.env, lambda outcome: rec.write(dict(forged)), check)


# ------------------------------------------------------------------ documents to attack


def _nonconformity(env):
    complaint = env["hanling.complaint"].search(
        [("state", "not in", ("closed", "cancel"))], limit=1
    )
    env["hanling.nonconformity"].create(
        {"complaint_id": complaint.id, "description": "攻击测试:服务不合格"}
    )


def _decoration_extension(env):
    Permit = env["hanling.decoration.permit"]
    permit = Permit.search([("state", "=", "in_progress")], limit=1) or Permit.search([], limit=1)
    end = permit.date_planned_end or fields.Date.today()
    env["hanling.decoration.extension"].create(
        {"permit_id": permit.id, "date_end_new": end + timedelta(days=30), "reason": "工期延长"}
    )


def _event_attendance(env):
    session = env["hanling.event.session"].search(
        [("event_id.registration_ids", "!=", False)], limit=1
    )
    env["hanling.event.attendance"].create(
        {"session_id": session.id, "registration_id": session.event_id.registration_ids[:1].id}
    )


def _work_order_review(env):
    env["hanling.work.order.review"].create(
        {"community_id": env["hanling.community"].search([], limit=1).id}
    )


def _work_order_review_decision(env):
    Review = env["hanling.work.order.review"]
    review = Review.search([("state", "=", "draft")], limit=1) or Review.create(
        {
            "community_id": env["hanling.community"].search([], limit=1).id,
            "date_from": date(2001, 1, 1),
        }
    )
    env["hanling.work.order.review.decision"].create(
        {
            "review_id": review.id,
            "kind": "supplier",
            "supplier_wanted": "攻击测试:外墙清洗",
            "reason": "攻击测试",
        }
    )


def _work_order_review_line(env):
    from odoo.addons.hanling_property.tools.workflow import workflow_grant

    Review = env["hanling.work.order.review"]
    review = Review.search([("state", "=", "draft")], limit=1) or Review.create(
        {
            "community_id": env["hanling.community"].search([], limit=1).id,
            "date_from": date(2001, 1, 1),
        }
    )
    # As "Count the Month" writes it (the review's step opens its lines).
    with workflow_grant("hanling.work.order.review"):
        env["hanling.work.order.review.line"].create(
            {
                "review_id": review.id,
                "service_id": env["hanling.service"].search([], limit=1).id,
                "order_count": 3,
                "revenue": 120.0,
            }
        )


def _duty_log_check(env):
    entry = env["hanling.duty.log"].search([], limit=1)
    env["hanling.duty.log.check"].create(
        {"entry_ids": [Command.set(entry.ids)], "findings": "攻击测试:抽查"}
    )


def _inspection_line(env):
    # Lines are drawn by the inspection's start (the server's draw), never created by hand; a
    # second inspection gives the attacks a place for another line.
    inspection = env["hanling.archive.inspection"].search([("state", "=", "planned")], limit=1)
    inspection.copy()
    inspection.action_start()


def _prevention_report(env):
    # Written for a closed nonconformity report: close one as set-up.
    try:
        from odoo.addons.hanling_property.tools.workflow import workflow_grant
    except ImportError:  # the code before the kernel has no prevention report to attack
        return
    Report = env["hanling.nonconformity"]
    closed = Report.search([("state", "=", "done")], limit=1)
    if not closed:
        _nonconformity(env)
        closed = Report.search([], limit=1, order="id desc")
        with workflow_grant("hanling.nonconformity"):
            closed.write({"state": "done", "date_done": fields.Datetime.now()})
    env["hanling.prevention.report"].create(
        {"nonconformity_id": closed.id, "analysis": "攻击测试:原因分析"}
    )


def _custody(env):
    unit = env["hanling.unit"].search([], limit=1)
    env["hanling.custody"].create(
        {"kind": "small_items", "unit_id": unit.id, "description": "攻击测试:代为保管包裹"}
    )


def _fee_receipt(env):
    # A receipt is issued by the counter's payment step only (hanling_fees, if installed).
    unit = env["hanling.unit"].search([], limit=1)
    env["hanling.fee.receipt"]._issue(
        {
            "company_id": env.company.id,
            "partner_id": env.company.partner_id.id,
            "unit_id": unit.id,
            "date": fields.Date.today(),
            "amount_prepaid": 10.0,
        }
    )


def _complaint_handover(env):
    # A hand-over list is made by handing night complaints over (篇3 4.1.5): one as set-up.
    Complaint = env["hanling.complaint"]
    night = Complaint.search(
        [("shift", "=", "night"), ("handover_id", "=", False), ("state", "=", "received")],
        limit=1,
    )
    if not night:
        company = env.company
        midnight = datetime.combine(date.today() - timedelta(days=1), time())
        when = next(
            midnight + timedelta(hours=hour)
            for hour in range(24)
            if company._hanling_shift_at(midnight + timedelta(hours=hour)) == "night"
        )
        night = Complaint.create(
            {
                "unit_id": env["hanling.unit"].search([], limit=1).id,
                "content": "攻击测试:夜间投诉",
                "date_received": when,
            }
        )
    night.action_hand_over()


def _fee_arrears(env):
    # hanling_fees (issue 17): the demo month billed, a late fee charged and a chase opened on
    # a bill left owed, a payment plan drafted for it — each by its own step.
    run = env.ref("hanling_fees.fee_run_demo")
    if run.state == "draft":
        run.action_start()
    env["hanling.fee.run"]._perform_pending_jobs()
    bill = env["hanling.fee.bill.line"].search(
        [("move_id", "!=", False), ("move_id.payment_state", "=", "not_paid")], limit=1
    )
    Policy = env["hanling.fee.late.policy"]
    policy = Policy.search([("community_id", "=", bill.community_id.id)]) or Policy.create(
        {"community_id": bill.community_id.id, "grace_days": 0}
    )
    if not policy.dunning_level_ids:
        policy.dunning_level_ids = [(0, 0, {"name": "提醒", "days_overdue": 0, "action": "mail"})]
    day = date.today() + timedelta(days=60)
    env["hanling.fee.late.fee"]._charge(day, policies=policy)
    env["hanling.fee.dunning"]._run_dunning(day)
    if not env["hanling.fee.payment.plan"].search([], limit=1):
        env["hanling.fee.payment.plan"].create(
            {
                "unit_id": bill.unit_id.id,
                "partner_id": bill.partner_id.id,
                "line_ids": [(0, 0, {"date": day, "amount": bill.move_id.amount_residual})],
            }
        )


def _fee_bank_return(env):
    # The bank's answer to the demo batch, imported by the accountant (its import step).
    batch = env["hanling.fee.bank.batch"].search([("state", "=", "exported")], limit=1)
    rows = [
        {
            "reference": line.reference,
            "account_number": line.mandate_id.account_number,
            "amount": f"{line.amount:.2f}",
            "status": "成功",
            "reason": "",
        }
        for line in batch.line_ids
    ]
    content = batch.layout_id._write_file(rows, usage="return")
    batch.with_user(env.ref("base.user_admin"))._import_return(content, "回盘.csv")


def _callback_attempt(env):
    # Attempts are made by the callback's own steps only: one as set-up.
    from odoo.addons.hanling_property.tools.workflow import workflow_grant

    callback = env["hanling.callback"].search([], limit=1)
    with workflow_grant("hanling.callback"):
        env["hanling.callback.attempt"].create(
            {"callback_id": callback.id, "result": "unreachable"}
        )


def _work_order_visit(env):
    # A missed visit, recorded by the technician of an assigned order.
    order = env["hanling.work.order"].search(
        [("state", "=", "assigned"), ("technician_id", "!=", False)], limit=1
    )
    env["hanling.work.order.visit"].with_user(order.technician_id).create(
        {"order_id": order.id, "note": "不在家 (attack set-up)"}
    )


# Procedures the demo data has no document of: one each, made as set-up.
BUILDERS = {
    "hanling.work.order.visit": _work_order_visit,
    "hanling.callback.attempt": _callback_attempt,
    "hanling.complaint.handover": _complaint_handover,
    "hanling.fee.receipt": _fee_receipt,
    "hanling.fee.late.fee": _fee_arrears,
    "hanling.fee.run.chunk": _fee_arrears,
    "hanling.fee.bank.return": _fee_bank_return,
    "hanling.fee.dunning": _fee_arrears,
    "hanling.fee.payment.plan": _fee_arrears,
    "hanling.custody": _custody,
    "hanling.archive.inspection.line": _inspection_line,
    "hanling.prevention.report": _prevention_report,
    "hanling.nonconformity": _nonconformity,
    "hanling.decoration.extension": _decoration_extension,
    "hanling.event.attendance": _event_attendance,
    "hanling.work.order.review": _work_order_review,
    "hanling.work.order.review.decision": _work_order_review_decision,
    "hanling.work.order.review.line": _work_order_review_line,
    "hanling.duty.log.check": _duty_log_check,
}


def build_missing_documents(env, attacker, models):
    """Make a document of each model that has none; return the models still without one."""
    missing = []
    for name in models:
        if not attacker.template(name) and name in BUILDERS:
            BUILDERS[name](env)
        if not attacker.template(name):
            missing.append(name)
    return missing


# ------------------------------------------------------------------ the code before the kernel

# Workflow-like fields by their names, for code whose models declare none.
HEURISTIC = re.compile(
    r"^state$|approv|_level$|_by_id$|^date_|amount|_move_id|payment|^invoice_id$"
)


def heuristic_fields(model):
    return sorted(
        name
        for name, field in model._fields.items()
        if HEURISTIC.search(name)
        and field.store
        and not field.related
        and name not in ("create_date", "write_date")
        and (field._module or "").startswith("hanling_")
    )


def write_baseline(env, path, addons_root, only=None):
    """Run the attacks on the code before the kernel; write what stuck to ``path`` (Markdown)."""
    models = sorted(
        name
        for name in env.registry.models
        if not env[name]._abstract
        and not env[name]._transient
        and (getattr(type(env[name]), "_original_module", "") or "").startswith("hanling_")
        and "state" in env[name]._fields
        and not env[name]._fields["state"].related
        and (only is None or name in only)
    )
    attacker = Attacker(env, lambda name: heuristic_fields(env[name]), context_keys(addons_root))
    build_missing_documents(env, attacker, models)
    # (model, role) -> {field: set of doors}
    accepted = {}
    tried = {}
    for model_name in models:
        template = attacker.template(model_name)
        if not template:
            tried[model_name] = "no record in the demo data"
            continue
        names = attacker.owned_fields(model_name)
        roles = attacker.roles(model_name)
        tried[model_name] = f"{len(names)} fields × {len(roles)} roles"
        print(f"baseline: {model_name}: {tried[model_name]}", flush=True)  # noqa: T201
        Model = env[model_name]
        for role in roles:
            user = attacker.attacker_user(role)
            vals = attacker.create_values(template, role)
            record = attacker.target(model_name, role)
            found = accepted.setdefault((model_name, role), {})
            for name in names:
                field = Model._fields[name]
                value = forge(Model, field, default_value(Model.with_user(user), field), user)
                if value is not None:
                    _try_doors(
                        attacker.contexts(model_name, name, user, "create"),
                        functools.partial(attacker.create, model_name, role, vals, {name: value}),
                        found.setdefault(name, set()),
                        "create",
                    )
                    _try_doors(
                        attacker.contexts(model_name, name, user, "copy"),
                        functools.partial(attacker.copy, template, role, {name: value}),
                        found[name],
                        "copy",
                    )
                value = forge(Model, field, record[name], user)
                if value is not None:
                    _try_doors(
                        attacker.contexts(model_name, name, user, "write"),
                        functools.partial(_write, attacker, record, role, {name: value}),
                        found.setdefault(name, set()),
                        "write",
                    )
                if not found.get(name):
                    found.pop(name, None)
            if not found:
                del accepted[(model_name, role)]
    _write_report(path, models, tried, accepted, attacker)
    return accepted


def _write(attacker, record, role, forged, context):
    return attacker.write(record, role, forged, context, list(forged))


def _try_doors(contexts, attempt, found, door):
    """Plain, then every key at once; each key alone only when every key at once got in."""
    plain, every, *alone = contexts
    if attempt(plain[1]).stuck:
        found.add(door)
        return
    if not attempt(every[1]).stuck:
        return
    keys = [label for label, context in alone if attempt(context).stuck]
    found.update(f"{door} [{key}]" for key in keys) if keys else found.add(f"{door} [all keys]")


def _doors(doors):
    """ "create, write [hanling_archive_transition]": plain doors, keyed ones where needed."""
    plain = sorted({d for d in doors if "[" not in d})
    keyed = sorted(d for d in doors if "[" in d and d.split(" [")[0] not in plain)
    return ", ".join(plain + keyed)


def _write_report(path, models, tried, accepted, attacker):
    state_or_approval = re.compile(r"^state$|approv|_level$")

    def is_hot(model_name, name):
        # The state, approvals, approvers and levels (not the text or scan of a letter), and
        # the links to money records.
        field = attacker.env[model_name]._fields[name]
        if field.comodel_name in ("account.move", "account.payment"):
            return True
        return bool(state_or_approval.search(name)) and field.type not in (
            "text",
            "char",
            "html",
            "binary",
        )

    lines = [
        "# Attack baseline: the code before the procedure kernel (commit 4588da9)",
        "",
        "Generated by `tests/integration/workflow_attack.py` (`write_baseline`) on the demo",
        "database `hanling_attack_old`. For every model of our addons with a `state`, every role",
        "with create or write access (and the resident through a portal route's `sudo`) tried",
        "to create, copy and write each workflow-like field (by name: state, `*approv*`,",
        "`*_level`, `*_by_id`, `date_*`, `*amount*`, `*_move_id*`, `*payment*`, `invoice_id`)",
        "with a forged value: without context, then with every context key the addons read at",
        f"once ({len(attacker.keys)} keys + {', '.join(ATTACKER_KEYS)} + `default_<field>`), and",
        "each key alone where every key at once got in (to name the key). *Accepted* = the",
        "forged value was in the database after the call (each attempt ran in a savepoint,",
        "rolled back). `[key]` after a door: accepted only with that context key.",
        "",
        "The heuristic list also holds fields a form may legitimately set (planned dates, an",
        "estimate, a deadline, the text of a written approval): the column of the **state,",
        "approvals and money links** is the one that counts; the other is for review.",
        "",
        "| Model | Tried | State, approvals, money links forged (doors: roles) | Other fields accepted |",
        "|---|---|---|---|",
    ]
    for model_name in models:
        hot, other = {}, {}
        for (name, role), found in sorted(accepted.items()):
            if name != model_name:
                continue
            for field_name, doors in found.items():
                if is_hot(model_name, field_name):
                    hot.setdefault((field_name, _doors(doors)), []).append(role)
                else:
                    other.setdefault(field_name, []).append(role)
        hot_text = "<br>".join(
            f"`{field_name}` ({doors}): {', '.join(roles)}"
            for (field_name, doors), roles in sorted(hot.items())
        )
        other_text = "; ".join(f"`{f}` ({len(r)} roles)" for f, r in sorted(other.items()))
        lines.append(
            f"| `{model_name}` | {tried[model_name]} | {hot_text or '—'} | {other_text or '—'} |"
        )

    def open_models(roles_filter):
        return sorted(
            {
                m
                for (m, r), found in accepted.items()
                if roles_filter(r) and any(is_hot(m, f) for f in found)
            }
        )

    every = open_models(lambda role: True)
    office = open_models(lambda role: role != PORTAL_SUDO)
    lines += [
        "",
        f"**{len(every)} of {len(models)}** models accepted a forged state, approval or money "
        "link from at least one role: " + ", ".join(f"`{m}`" for m in every) + ".",
        "",
        f"From an office user's own call (the portal routes' `sudo` left aside): "
        f"**{len(office)} of {len(models)}**: " + ", ".join(f"`{m}`" for m in office) + ".",
        "",
        "Context keys collected from the source: " + ", ".join(f"`{k}`" for k in attacker.keys),
        "",
    ]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
