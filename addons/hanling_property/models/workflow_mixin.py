from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Command

from ..tools.locking import lock_for_update
from ..tools.workflow import EditLockError, WorkflowGuardError, is_granted


class HanlingWorkflowMixin(models.AbstractModel):
    """The workflow guard of every procedure document (docs/architecture.md, the kernel).

    A procedure declares, once:

    - ``_workflow_fields``: the fields its actions own — the state, every approval, approver,
      level and date, the amounts an approval fixes, the links to money records. Readonly
      computed fields of our addons are the server's too and are added automatically.
    - ``_workflow_lock``: ``{states: fields}``, the fields frozen once the document is in one of
      ``states`` (refused in ``write`` like a posted entry's lines; the form views follow it).

    ``create`` sets none of the workflow fields (a document starts in its first state); a
    ``write`` of one is refused unless it happens inside the model's own action
    (``tools.workflow.workflow_step``). Nothing the client sends — a value, a context key, the
    order of calls, ``sudo`` of a portal route — grants it.
    """

    _name = "hanling.workflow.mixin"
    _description = "Procedure Workflow Guard"

    _workflow_fields = ("state",)
    _workflow_lock = {}
    # The document's number: drawn from this ir.sequence code (per company) at creation, never
    # sent by the client.
    _sequence_code = None
    _sequence_field = "name"
    # Owned fields the server draws anew for each document (a key): whatever a client sends or
    # a context default says, the new document gets its own value.
    _workflow_drawn_fields = ()
    # A line owned by another procedure (a violation of its permit): the name of the many2one to
    # that document. A workflow step of the parent's model then also opens the line's workflow
    # fields (the permit's settlement links the violation's deduction entry); nothing else does.
    _workflow_parent = None

    # ------------------------------------------------------------------ declaration

    @api.model
    def _workflow_owned_fields(self):
        """The fields only the model's actions write: declared, plus our readonly computes."""
        owned = set(self._workflow_fields) | set(self._workflow_drawn_fields)
        if self._sequence_code:
            owned.add(self._sequence_field)
        for name, field in self._fields.items():
            if (
                field.store
                and field.compute
                and field.readonly
                and not field.inverse
                and (field._module or "").startswith("hanling_")
            ):
                owned.add(name)
        return owned

    @api.model
    def _workflow_locked_fields(self, state):
        locked = set()
        for states, names in self._workflow_lock.items():
            if state in states:
                locked.update(names)
        return locked

    def _workflow_open(self):
        # Data files and migrations load while the registry is not ready yet: no client there.
        if is_granted(self._name) or not self.pool.ready:
            return True
        parent = self._workflow_parent
        return bool(parent) and is_granted(self._fields[parent].comodel_name)

    def _workflow_is_initial(self, name, value):
        """Whether ``value`` is what a new document has anyway (a form sends the defaults)."""
        field = self._fields[name]
        if name == self._sequence_field and self._sequence_code:
            return self._is_number_placeholder(value)
        if field.type in ("one2many", "many2many"):
            return all(
                command[0] == Command.CLEAR or (command[0] == Command.SET and not command[2])
                for command in value or ()
            )
        if field.default is not None and value == self._workflow_default(name):
            return True
        return not value

    def _workflow_default(self, name):
        """The field's own default, in the format of a call's values (an id, not a record)."""
        field = self._fields[name]
        value = field.convert_to_cache(field.default(self), self, validate=False)
        return field.convert_to_write(value, self)

    def _workflow_refuse(self, names):
        labels = ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in names)
        )
        raise WorkflowGuardError(
            self.env._(
                "%(fields)s of %(document)s change through the document's buttons only.",
                fields=labels,
                document=self.env["ir.model"]._get(self._name).name,
            )
        )

    # ------------------------------------------------------------------ CRUD

    @api.model
    def default_get(self, fields_list):
        # Context defaults (``default_state=…``) are the client's: a workflow field starts at
        # its own default whatever the caller's context says.
        defaults = super().default_get(fields_list)
        if not self._workflow_open():
            for name in self._workflow_owned_fields() & set(defaults):
                field = self._fields[name]
                if field.default is not None:
                    defaults[name] = self._workflow_default(name)
                else:
                    del defaults[name]
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        if not self._workflow_open():
            owned = self._workflow_owned_fields()
            for vals in vals_list:
                forged = [
                    name
                    for name in owned & set(vals)
                    if not self._workflow_is_initial(name, vals[name])
                ]
                if forged:
                    self._workflow_refuse(forged)
        if self._sequence_code:
            vals_list = self._assign_numbers(vals_list)
        return super().create(vals_list)

    @api.model
    def _is_number_placeholder(self, value):
        return value in (None, False, "", "/", "New") or value == self.env._("New")

    @api.model
    def _assign_numbers(self, vals_list):
        """Draw the number of each new document from its company's sequence.

        Copies: the number drawn must not end up in the caller's dictionary (creating twice
        from the same values would reuse it).
        """
        sequence = self.env["ir.sequence"]
        result = []
        for original in vals_list:
            vals = dict(original)
            if self._is_number_placeholder(vals.get(self._sequence_field)):
                company = vals.get("company_id") or self.env.company.id
                vals[self._sequence_field] = (
                    sequence.with_company(company).next_by_code(self._sequence_code) or "/"
                )
            result.append(vals)
        return result

    def write(self, vals):
        if not self._workflow_open():
            forged = self._workflow_owned_fields() & set(vals)
            if forged:
                self._workflow_refuse(forged)
            self._check_edit_lock(vals)
        return super().write(vals)

    def _check_edit_lock(self, vals):
        if not self._workflow_lock or "state" not in self._fields:
            return
        for state, records in self.grouped("state").items():
            frozen = self._workflow_locked_fields(state) & set(vals)
            if frozen:
                labels = dict(self._fields["state"]._description_selection(self.env))
                raise EditLockError(
                    self.env._(
                        "%(names)s is %(state)s: %(fields)s can no longer be changed.",
                        names=", ".join(records.mapped("display_name")),
                        state=labels.get(state, state),
                        fields=", ".join(
                            sorted(self._fields[n]._description_string(self.env) for n in frozen)
                        ),
                    )
                )

    # ------------------------------------------------------------------ views

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """Forms and lists follow the declaration: owned fields readonly, locked ones by state."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type not in ("form", "list"):
            return arch, view
        owned = self._workflow_owned_fields()
        locks = {}
        for states, names in self._workflow_lock.items():
            for name in names:
                locks.setdefault(name, set()).update(states)
        for node in arch.xpath("//field[not(ancestor::field)]"):
            name = node.get("name")
            if name in owned:
                node.set("readonly", "1")
            elif name in locks:
                expr = f"state in {sorted(locks[name])!r}"
                old = node.get("readonly")
                node.set("readonly", f"({old}) or ({expr})" if old else expr)
        return arch, view

    # ------------------------------------------------------------------ actions

    def _check_state(self, allowed, action_label=None, message=None):
        """Refuse unless every record is in one of the ``allowed`` states.

        The refusal says ``message`` when given, else names ``action_label``, the document and
        the states it was found in.
        """
        # Take the rows first, so that two people pressing the same button at once cannot both
        # pass the check (the second is told at once), then let the action write the state.
        lock_for_update(self)
        wrong = self.filtered(lambda r: r.state not in allowed)
        if wrong and message:
            raise UserError(message)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(action)s is not possible for %(document)s in state %(states)s: %(names)s.",
                    action=action_label,
                    document=self.env["ir.model"]._get(self._name).name,
                    states=", ".join(labels[s] for s in sorted(set(wrong.mapped("state")))),
                    names=", ".join(wrong.mapped(lambda r: r.display_name or str(r.id))),
                )
            )
