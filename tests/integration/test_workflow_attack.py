"""The generated attack suite of the workflow guard (issue 14, docs/security.md).

Nothing here names a procedure: the models come from the registry (every model that inherits
``hanling.workflow.mixin``), their workflow-owned fields from ``_workflow_owned_fields()``, the
roles from the ACLs (every demo office user with create or write access, and the portal
resident through a route's ``sudo``), the context keys from the addons' source, read now
(workflow_attack.context_keys). For each model, role and owned field it forges a value the
document does not have and tries

- ``create`` with it, ``copy(default=…)`` with it, ``write`` of it on an existing document;
- each without context, with every collected key at once (plus ``default_<field>`` of every
  owned field and Odoo's ``install_mode``, ``tracking_disable``, ``import_file``), and — for the
  state — with each key alone;
- ``create`` of a plain document with ``default_<field>`` of forged values in the context.

Every attempt must be refused by the guard (``WorkflowGuardError`` naming the field) and leave
the database as it was; a create under context defaults may succeed, with the fields' own
defaults. The suite also fails when a model of our addons with a state or an approval does not
use the guard, or when a guarded model leaves an approval or a money link undeclared.
"""

import re

from workflow_attack import (  # tests/integration is on sys.path (pytest's rootdir import)
    PORTAL_SUDO,
    Attacker,
    build_missing_documents,
    context_keys,
    default_value,
    forge,
    guarded_models,
    uses_guard,
)

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.hanling_property.tools.workflow import WorkflowGuardError

# Fields that approve something, by their name; fields that link money records, by comodel.
APPROVAL = re.compile(r"approv")
APPROVAL_TYPES = ("many2one", "selection", "date", "datetime", "boolean", "monetary", "float")
MONEY_MODELS = (
    "account.move",
    "account.move.line",
    "account.payment",
    "account.bank.statement.line",
)


def is_ours(model):
    return (getattr(type(model), "_original_module", "") or "").startswith("hanling_")


@tagged("post_install", "-at_install")
class TestWorkflowAttack(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guarded = guarded_models(cls.env.registry)
        cls.keys = context_keys()
        cls.attacker = Attacker(
            cls.env, lambda name: sorted(cls.env[name]._workflow_owned_fields()), cls.keys
        )
        cls.no_document = build_missing_documents(cls.env, cls.attacker, cls.guarded)

    # ------------------------------------------------------------------ set-up

    # ------------------------------------------------------------------ helpers

    def assertRefused(self, outcome, model_name, name, what, strict=True):
        """Refused and nothing in the database changed; by the guard, naming the field, when
        the role makes the same document unforged (``strict``)."""
        if strict:
            self.assertIsInstance(
                outcome.error,
                WorkflowGuardError,
                f"{what} was not refused by the guard: {outcome!r}",
            )
            # The refusal names the field, in the attacker's language.
            label = self.env[model_name]._fields[name]._description_string(outcome.env)
            self.assertIn(label, str(outcome.error), f"{what}: refused for another field")
        else:
            self.assertIsNotNone(outcome.error, f"{what} was accepted: {outcome!r}")
        self.assertFalse(outcome.created, f"{what} created {outcome.created}")
        self.assertFalse(outcome.changed, f"{what} changed {outcome.changed}")

    def _attacks(self, mode):
        """(model, role, user, owned fields, each key alone?) for every guarded model and every
        role with ``mode`` access (and the resident through a portal route's sudo).

        Each context key alone is tried by the least trusted role with access and by the
        portal's sudo: the guard consults no role, and trying it for every role would multiply
        the run time by the number of keys.
        """
        self.assertFalse(
            self.no_document, "no document to attack: add a builder (workflow_attack.BUILDERS)"
        )
        for model_name in self.guarded:
            names = self.attacker.owned_fields(model_name)
            # Our procedures own their state; a model of Odoo's (event registrations) may guard
            # only what our addons added to it.
            if "state" in self.env[model_name]._fields and is_ours(self.env[model_name]):
                self.assertIn("state", names, f"{model_name}: the state is not workflow-owned")
            roles = self.attacker.roles(model_name, mode)
            for role in roles:
                alone = role in (roles[0], PORTAL_SUDO)
                yield model_name, role, self.attacker.attacker_user(role), names, alone

    # ------------------------------------------------------------------ coverage

    def test_every_procedure_uses_the_guard(self):
        """Every model of our addons with a state or an approval inherits the guard."""
        unguarded = {}
        for name, model_class in self.env.registry.items():
            Model = self.env[name]
            if model_class._abstract or model_class._transient or not is_ours(Model):
                continue
            state = Model._fields.get("state")
            reasons = []
            if state is not None and not state.related:  # a related state is its document's
                reasons.append("state")
            reasons += [
                field_name
                for field_name, field in Model._fields.items()
                if APPROVAL.search(field_name) and field.store and field.type in APPROVAL_TYPES
            ]
            if reasons and not uses_guard(model_class):
                unguarded[name] = reasons
        self.assertEqual(
            unguarded,
            {},
            "models with a state or an approval that do not inherit hanling.workflow.mixin",
        )
        self.assertGreaterEqual(len(self.guarded), 8, self.guarded)

    def test_approvals_and_money_links_are_workflow_owned(self):
        """A guarded model declares its approvals (who, level, when) and its money links."""
        undeclared = {}
        for model_name in self.guarded:
            Model = self.env[model_name]
            owned = Model._workflow_owned_fields()
            for name, field in Model._fields.items():
                if not field.store or field.related or name in owned:
                    continue
                money_link = field.comodel_name in MONEY_MODELS and (
                    (field._module or "").startswith("hanling_")
                )
                approval = APPROVAL.search(name) and field.type in APPROVAL_TYPES
                if money_link or approval:
                    undeclared.setdefault(model_name, []).append(name)
        self.assertEqual(undeclared, {}, "approvals and money links missing from _workflow_fields")

    def test_context_keys_are_collected(self):
        # The collector must see the keys the code is known to read and set: a regression in
        # its patterns would silently shrink every attack below.
        self.assertIn("active_test", self.keys)
        self.assertGreaterEqual(len(self.keys), 5, self.keys)

    # ------------------------------------------------------------------ the attacks

    def test_create_with_a_workflow_field_is_refused(self):
        for model_name, role, user, names, alone in self._attacks("create"):
            Model = self.env[model_name].with_user(user)
            vals = self.attacker.create_values(self.attacker.template(model_name), role)
            strict = self.attacker.can("create", model_name, role)
            for name in names:
                field = Model._fields[name]
                value = forge(Model, field, default_value(Model, field), user)
                if value is None:
                    continue
                for key, context in self.attacker.contexts(model_name, name, user, "create", alone):
                    with self.subTest(model=model_name, role=role, field=name, key=key):
                        outcome = self.attacker.create(
                            model_name, role, vals, {name: value}, context
                        )
                        self.assertRefused(
                            outcome, model_name, name, f"create {name}={value!r}", strict
                        )

    def test_copy_with_a_workflow_field_is_refused(self):
        for model_name, role, user, names, _alone in self._attacks("create"):
            Model = self.env[model_name].with_user(user)
            record = self.attacker.template(model_name)
            strict = self.attacker.can("copy", model_name, role)
            for name in names:
                field = Model._fields[name]
                value = forge(Model, field, default_value(Model, field), user)
                if value is None:
                    continue
                for key, context in self.attacker.contexts(model_name, name, user, "copy"):
                    with self.subTest(model=model_name, role=role, field=name, key=key):
                        outcome = self.attacker.copy(record, role, {name: value}, context)
                        self.assertRefused(
                            outcome, model_name, name, f"copy {name}={value!r}", strict
                        )

    def test_write_of_a_workflow_field_is_refused(self):
        for model_name, role, user, names, alone in self._attacks("write"):
            Model = self.env[model_name]
            record = self.attacker.target(model_name, role)
            before = self.attacker.snapshot(record, names)
            for name in names:
                value = forge(Model, Model._fields[name], record[name], user)
                if value is None:
                    continue
                for key, context in self.attacker.contexts(model_name, name, user, "write", alone):
                    with self.subTest(model=model_name, role=role, field=name, key=key):
                        outcome = self.attacker.write(
                            record, role, {name: value}, context, names, before
                        )
                        self.assertRefused(outcome, model_name, name, f"write {name}={value!r}")

    def test_guard_refusals_were_checked(self):
        """Each guarded model is made unforged by some role (so the guard's own refusal of the
        forged attempts was asserted), or by none because its required values are the
        server's (inspection lines, drawn by their inspection); and a plain duplicate is never
        refused by the guard (an owned field copied: it wants ``copy=False``)."""
        unchecked, duplicate_refused = {}, {}
        for model_name in self.guarded:
            roles = self.attacker.roles(model_name, "create")
            creates = [self.attacker.plain("create", model_name, role) for role in roles]
            if all(isinstance(e, WorkflowGuardError) for e in creates):
                continue  # made by the server only: no client creates or copies it
            copies = [self.attacker.plain("copy", model_name, role) for role in roles]
            refused = [e for e in copies if isinstance(e, WorkflowGuardError)]
            if refused:
                duplicate_refused[model_name] = str(refused[0])
            for door, errors in (("create", creates), ("copy", copies)):
                if all(e is not None for e in errors):
                    unchecked.setdefault(door, []).append(model_name)
        self.assertEqual(duplicate_refused, {}, "Duplicate refused by the guard")
        self.assertEqual(unchecked, {}, "no role made an unforged document")

    def test_context_defaults_do_not_set_workflow_fields(self):
        """``default_state=done`` & co. in the context: refused, or the fields' own values."""
        compared = 0
        for model_name, role, user, names, _alone in self._attacks("create"):
            Model = self.env[model_name]
            vals = self.attacker.create_values(self.attacker.template(model_name), role)
            # The document this role creates without context: what each owned field is anyway
            # (its default, or what its compute makes of the values).
            plain = self.attacker.create_with_defaults(model_name, role, vals, {}, names)
            if plain.error is not None:
                continue  # this role cannot create such a document (its record rules)
            (expected,) = plain.values
            forged = {}
            for name in names:
                value = forge(Model, Model._fields[name], expected[name], user)
                if value is not None:
                    forged[name] = value
            # Every default at once; one by one only when that create fails (to see each).
            outcome = self.attacker.create_with_defaults(model_name, role, vals, forged, names)
            attempts = [(forged, outcome)]
            if outcome.error is not None:
                attempts = [({name: value}, None) for name, value in forged.items()]
            for defaults, made in attempts:
                keys = ", ".join(f"default_{name}" for name in defaults)
                with self.subTest(model=model_name, role=role, key=keys):
                    outcome = made or self.attacker.create_with_defaults(
                        model_name, role, vals, defaults, names
                    )
                    if outcome.error is not None:
                        self.assertIsInstance(outcome.error, WorkflowGuardError, repr(outcome))
                        continue
                    compared += 1
                    (values,) = outcome.values
                    for name, value in defaults.items():
                        if name in Model._workflow_drawn_fields or (
                            name == Model._sequence_field and Model._sequence_code
                        ):
                            # A new number or key is drawn for each document: not the forged one.
                            self.assertNotEqual(values[name], value)
                            continue
                        if Model._fields[name].type == "datetime" and expected[name]:
                            # A time the server stamps (now): not the forged one, and the
                            # same as the plain document's but for the seconds between them.
                            self.assertNotEqual(values[name], value)
                            apart = abs(
                                fields.Datetime.to_datetime(values[name])
                                - fields.Datetime.to_datetime(expected[name])
                            )
                            self.assertLess(
                                apart.total_seconds(),
                                60,
                                f"{model_name}.{name} took default_{name}={value!r}",
                            )
                            continue
                        self.assertEqual(
                            values[name],
                            expected[name],
                            f"{model_name}.{name} took default_{name}={value!r}",
                        )
        self.assertTrue(compared, "no create succeeded: the defaults were never checked")
