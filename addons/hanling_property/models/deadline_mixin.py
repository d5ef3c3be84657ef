from odoo import api, fields, models
from odoo.tools import split_every

# Records handled per query by the scheduled check (recompute, activity search, activity create).
DEADLINE_BATCH = 500


def deadline_flag(string, **kwargs):
    """The stored ``is_*_overdue`` flag of a deadline declared in ``_deadlines``."""
    return fields.Boolean(
        string=string,
        compute="_compute_deadline_flags",
        store=True,
        readonly=True,
        index=True,
        copy=False,
        **kwargs,
    )


class HanlingDeadlineMixin(models.AbstractModel):
    """The one deadline mechanism of the procedures (arrival, callback, complaint, loan ...).

    A model declares each of its deadlines once, in ``_deadlines``::

        _deadlines = {
            "arrival": {
                "due": "date_arrival_deadline",   # Date or Datetime: the deadline
                "done": "date_arrived",           # set when the deadline is met (optional)
                "flag": "is_arrival_overdue",     # a field made with deadline_flag()
                "state_field": "state",           # default "state"
                "open_states": ("draft", "assigned"),  # the deadline runs in these states
                "activity": "module.activity_type_xmlid",  # the reminder (optional)
                "user": ("supervisor_id", "received_by_id"),  # who is reminded, first set
                "summary": _lt("Technician not on site yet: %(name)s"),
                "name": "name",                   # what %(name)s says (default display_name)
            },
        }

    and gets: the stored, indexed flag (true while the deadline runs and is past, computed from
    ``due``/``done``/state); exactly one open reminder activity of the declared type per overdue
    deadline; the reminder marked done when the deadline is met (``done`` set) and removed when
    the document leaves the open states without meeting it. The flag follows writes at once;
    time passing is caught by one scheduled action (``ir_cron_deadlines``) over every model with
    deadlines, idempotent and indifferent to how late it runs; it also corrects stale flags
    (after a migration) and closes the reminders a write did not (see ``write``). A reminder
    dismissed while the deadline is still overdue comes back on the next run; one on a deadline
    moved later stays until the deadline is met or abandoned.
    """

    _name = "hanling.deadline.mixin"
    _description = "Document with Deadlines"

    _deadlines = {}

    # ------------------------------------------------------------------ declaration

    @api.model
    def _deadline_specs(self):
        specs = {}
        for key, declared in self._deadlines.items():
            spec = {
                "done": None,
                "state_field": "state",
                "open_states": None,
                "activity": None,
                "user": (),
                "summary": None,
                "name": None,
                **declared,
            }
            if isinstance(spec["user"], str):
                spec["user"] = (spec["user"],)
            spec["key"] = key
            specs[key] = spec
        return specs

    def _deadline_depends(self):
        names = set()
        for spec in self._deadline_specs().values():
            names.update(
                name
                for name in (spec["due"], spec["done"], spec["open_states"] and spec["state_field"])
                if name
            )
        return sorted(names)

    @api.model
    def _deadline_limit(self, spec):
        """The moment a deadline is past: now, or today for a deadline given as a date."""
        if self._fields[spec["due"]].type == "date":
            return fields.Date.context_today(self)
        return fields.Datetime.now()

    @api.model
    def _deadline_open_domain(self, spec):
        domain = []
        if spec["open_states"]:
            domain.append((spec["state_field"], "in", tuple(spec["open_states"])))
        if spec["done"]:
            domain.append((spec["done"], "=", False))
        return domain

    @api.model
    def _deadline_overdue_domain(self, spec, limit=None):
        limit = limit or self._deadline_limit(spec)
        return [*self._deadline_open_domain(spec), (spec["due"], "<", limit)]

    @api.model
    def _deadline_not_overdue_domain(self, spec, limit=None):
        """The negation of the overdue domain, empty deadlines included."""
        limit = limit or self._deadline_limit(spec)
        leaves = [(spec["due"], "=", False), (spec["due"], ">=", limit)]
        if spec["open_states"]:
            leaves.append((spec["state_field"], "not in", tuple(spec["open_states"])))
        if spec["done"]:
            leaves.append((spec["done"], "!=", False))
        return ["|"] * (len(leaves) - 1) + leaves

    def _deadline_is_open(self, spec):
        self.ensure_one()
        if spec["open_states"] and self[spec["state_field"]] not in spec["open_states"]:
            return False
        return not (spec["done"] and self[spec["done"]])

    # ------------------------------------------------------------------ flags

    @api.depends(lambda self: self._deadline_depends())
    def _compute_deadline_flags(self):
        for spec in self._deadline_specs().values():
            limit = self._deadline_limit(spec)
            for record in self:
                due = record[spec["due"]]
                record[spec["flag"]] = bool(due and due < limit and record._deadline_is_open(spec))

    # ------------------------------------------------------------------ CRUD

    def write(self, vals):
        # The reminders of the deadlines this write closes (met, or left unmet) go at once when
        # the document was flagged: a write of a document on time costs no query here. Those of
        # a deadline moved later and then closed go with the next scheduled check.
        touched = [
            spec
            for spec in self._deadline_specs().values()
            if spec["activity"] and {spec["done"], spec["state_field"]} & set(vals)
        ]
        flagged = {spec["key"]: self.filtered(spec["flag"]) for spec in touched}
        result = super().write(vals)
        for spec in touched:
            flagged[spec["key"]]._deadline_close_reminders(spec)
        return result

    # ------------------------------------------------------------------ reminders

    def _deadline_reminders(self, spec):
        """The open reminder activities of ``spec`` on these records."""
        activity_type = self.env.ref(spec["activity"])
        # sudo: a reminder belongs to the responsible user, whoever's step meets the deadline.
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )

    def _deadline_close_reminders(self, spec):
        """Mark done the reminders of the deadlines met, remove those of abandoned ones."""
        closed = self.filtered(lambda r: not r._deadline_is_open(spec))
        if not closed:
            return
        reminders = closed._deadline_reminders(spec)
        if not reminders:
            return
        met = set(closed.filtered(spec["done"]).ids) if spec["done"] else set()
        done = reminders.filtered(lambda a: a.res_id in met)
        (reminders - done).unlink()
        done.action_feedback()

    def _deadline_schedule_reminders(self, spec):
        """One reminder per overdue record of ``spec`` that has none open."""
        reminded = set(self._deadline_reminders(spec).mapped("res_id"))
        missing = self.filtered(lambda r: r.id not in reminded)
        if not missing:
            return missing
        activity_type = self.env.ref(spec["activity"])
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = []
        for record in missing:
            summary = activity_type.summary
            template = spec["summary"]  # an _lt() term of the declaring model
            if template:
                name = record[spec["name"]] if spec["name"] else record.display_name
                summary = self.env._(template) % {"name": name}
            user = next((record[name] for name in spec["user"] if record[name]), self.env.user)
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "note": activity_type.default_note,
                    "automated": True,
                    "date_deadline": today,
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "user_id": user.id,
                }
            )
        self.env["mail.activity"].create(vals_list)
        return missing

    # ------------------------------------------------------------------ scheduled check

    @api.model
    def _deadline_update_flags(self, spec):
        """Recompute the flags of ``spec`` that time (or a late run) left behind; no others."""
        limit = self._deadline_limit(spec)
        stale = self.search(
            [(spec["flag"], "=", False), *self._deadline_overdue_domain(spec, limit)]
        ) | self.search(
            [(spec["flag"], "=", True), *self._deadline_not_overdue_domain(spec, limit)]
        )
        for ids in split_every(DEADLINE_BATCH, stale.ids):
            batch = self.browse(ids)
            self.env.add_to_compute(self._fields[spec["flag"]], batch)
            # A recomputation alone marks nothing: the stored fields that depend on the flag
            # (here or on another model, e.g. a move-in's overdue utilities) follow it too.
            batch.modified([spec["flag"]])
            batch.flush_recordset([spec["flag"]])
        return stale

    @api.model
    def _deadline_check(self):
        """Bring this model's flags and reminders up to date; return the overdue records."""
        overdue = self.browse()
        for spec in self._deadline_specs().values():
            self._deadline_update_flags(spec)
            late = self.search([(spec["flag"], "=", True)])
            overdue |= late
            if not spec["activity"]:
                continue
            for ids in split_every(DEADLINE_BATCH, late.ids):
                self.browse(ids)._deadline_schedule_reminders(spec)
            # Reminders whose deadline was met or abandoned without a write of this model
            # (a late run, a change made elsewhere).
            activity_type = self.env.ref(spec["activity"])
            reminders = self.env["mail.activity"].search_fetch(
                [("res_model", "=", self._name), ("activity_type_id", "=", activity_type.id)],
                ["res_id"],
            )
            reminded = sorted(set(reminders.mapped("res_id")))
            for ids in split_every(DEADLINE_BATCH, reminded):
                self.browse(ids).exists()._deadline_close_reminders(spec)
        return overdue

    @api.model
    def _deadline_models(self):
        names = self.env.registry.descendants([self._name], "_inherit")
        return [
            name for name in names if not self.env[name]._abstract and self.env[name]._deadlines
        ]

    @api.model
    def _cron_check_deadlines(self):
        """The scheduled action of every deadline: flags, one reminder each, reminders closed."""
        result = {}
        for name in self._deadline_models():
            result[name] = self.env[name]._deadline_check()
            self.env.flush_all()
        return result
