"""The workflow guard of the procedure kernel (hanling.workflow.mixin, tools/workflow.py).

A workflow-owned field (state, approvals, money links) changes inside the model's own workflow
step only: not by a write or a create through the API, not under ``sudo()``, not with a context
key, not inside another model's step. Fields frozen by a state are refused with the edit lock,
and the views follow both declarations. Every refusal is asserted by its exception class and the
field it names. The generated attack on every model and role is test_workflow_attack.py.
"""

import re

from lxml import etree
from workflow_attack import (  # tests/integration is on sys.path (pytest's rootdir import)
    forge,
    guarded_models,
)

from odoo.tests import tagged

from odoo.addons.hanling_errands.tests.common import ErrandCase
from odoo.addons.hanling_property.tools.workflow import (
    EditLockError,
    WorkflowGuardError,
    workflow_grant,
)


@tagged("post_install", "-at_install")
class TestWorkflowGuard(ErrandCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["hanling.service"].create(
            {"name": "测试 换锁", "fee_type": "paid", "list_price": 30.0}
        )
        cls.guarded = guarded_models(cls.env.registry)

    def _order(self, user=None, context=None, **vals):
        return (
            self.env["hanling.work.order"]
            .with_user(user or self.duty)
            .with_context(**(context or {}))
            .create(
                {
                    "unit_id": self.unit.id,
                    "description": "漏水",
                    "service_id": self.service.id,
                    **vals,
                }
            )
        )

    def assertGuardRefuses(self, record, *names):
        """A context manager: the guard refuses, naming each field in ``names``."""
        labels = [record._fields[name]._description_string(record.env) for name in names]
        return self.assertRaisesRegex(
            WorkflowGuardError, "(?s)" + "".join(f"(?=.*{re.escape(label)})" for label in labels)
        )

    def test_state_not_written_directly(self):
        order = self._order()
        errand = self._errand()
        for record, user, state in [
            (order, self.duty, "closed"),
            (order, self.users["t_manager"], "accepted"),
            (errand, self.staff, "done"),
            (errand, self.manager, "settled"),
        ]:
            with self.subTest(model=record._name, user=user.login):
                with self.assertGuardRefuses(record, "state"):
                    record.with_user(user).write({"state": state})
                record.invalidate_recordset()
                self.assertEqual(record.state, "draft")
        # Through the actions, the same users move them on.
        self._sign_commission(errand)
        errand.with_user(self.staff).action_confirm()
        self.assertEqual(errand.state, "confirmed")
        order.with_user(self.users["t_engsup"]).write({"technician_id": self.users["t_tech"].id})
        order.with_user(self.users["t_engsup"]).action_assign()
        self.assertEqual(order.state, "assigned")

    def test_no_document_is_created_in_a_later_state(self):
        Order = self.env["hanling.work.order"]
        with self.assertGuardRefuses(Order, "state"):
            self._order(state="closed")
        with self.assertGuardRefuses(self.env["hanling.errand"], "state"):
            self._errand(state="done")
        self.assertFalse(Order.search([("unit_id", "=", self.unit.id)]))
        # The first state, sent by a form, is no forgery.
        self.assertEqual(self._order(state="draft").state, "draft")

    def test_context_defaults_do_not_set_the_state(self):
        order = self._order(context={"default_state": "closed"})
        self.assertEqual(order.state, "draft")
        errand = (
            self.env["hanling.errand"]
            .with_user(self.staff)
            .with_context(default_state="done")
            .create(
                {
                    "unit_id": self.unit.id,
                    "description": "买菜",
                    "kind": "cake",
                    "estimated_amount": 50.0,
                }
            )
        )
        self.assertEqual(errand.state, "draft")

    def test_sudo_and_context_keys_grant_nothing(self):
        order = self._order()
        for env_label, record in [
            ("sudo", order.sudo()),
            ("sudo of a duty officer", order.with_user(self.duty).sudo()),
            (
                "context keys",
                order.with_user(self.manager).with_context(
                    hanling_archive_transition=True,
                    install_mode=True,
                    tracking_disable=True,
                    import_file=True,
                ),
            ),
        ]:
            with self.subTest(env=env_label), self.assertGuardRefuses(order, "state"):
                record.write({"state": "closed"})
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")

    def test_a_step_grants_its_own_model_only(self):
        order = self._order()
        errand = self._errand()
        with workflow_grant("hanling.errand"):
            # Inside an errand's step, the errand's state is writable, a work order's is not.
            with self.assertGuardRefuses(order, "state"):
                order.write({"state": "closed"})
            errand.write({"state": "confirmed"})
        self.assertEqual(errand.state, "confirmed")
        # The grant ends with the step.
        with self.assertGuardRefuses(errand, "state"):
            errand.write({"state": "done"})

    def test_check_state_grants_nothing(self):
        # The row lock and the source-state check of an action do not open the guard: only the
        # decorated action does.
        order = self._order()
        order._check_state(["draft"], "Test")
        with self.assertGuardRefuses(order, "state"):
            order.write({"state": "assigned"})

    def test_every_procedure_guards_its_state(self):
        self.env["hanling.occupancy"].search([("unit_id", "=", self.unit.id)]) or self.env[
            "hanling.occupancy"
        ].create({"unit_id": self.unit.id, "partner_id": self.owner.id})
        complaint = (
            self.env["hanling.complaint"]
            .with_user(self.staff)
            .create({"unit_id": self.unit.id, "content": "楼道灯坏了"})
        )
        entry = (
            self.env["hanling.duty.log"]
            .with_user(self.duty)
            .create({"unit_id": self.unit.id, "request": "咨询"})
        )
        for record, user, state in [
            (complaint, self.staff, "closed"),
            (complaint, self.manager, "resolved"),
            (entry, self.duty, "closed"),
        ]:
            with self.subTest(model=record._name, user=user.login):
                before = record.state
                with self.assertGuardRefuses(record, "state"):
                    record.with_user(user).write({"state": state})
                record.invalidate_recordset()
                self.assertEqual(record.state, before)
        entry.with_user(self.duty).write({"outcome": "已答复"})
        entry.with_user(self.duty).action_close()
        self.assertEqual(entry.state, "closed")

    def test_demo_procedures_move_through_their_actions(self):
        for model, state in [
            ("hanling.decoration.permit", "closed"),
            ("hanling.move.in", "cancel"),
            ("hanling.ownership.transfer", "cancel"),
        ]:
            record = self.env[model].search([], limit=1)
            self.assertTrue(record, f"the demo data has a {model}")
            before = record.state
            with self.subTest(model=model), self.assertGuardRefuses(record, "state"):
                record.with_user(self.manager).write({"state": state})
            record.invalidate_recordset()
            self.assertEqual(record.state, before)

    def test_edit_lock_refuses_frozen_fields(self):
        """Every declared lock, on a document of the demo data in a locked state."""
        tried = []
        for model_name in self.guarded:
            Model = self.env[model_name]
            for states, names in Model._workflow_lock.items():
                record = Model.search([("state", "in", list(states))], limit=1)
                if not record:
                    continue
                name = sorted(names)[0]
                value = forge(Model, Model._fields[name], record[name], self.manager)
                if value is None:
                    continue
                tried.append(model_name)
                label = Model._fields[name]._description_string(self.env)
                with self.subTest(model=model_name, field=name, state=record.state):
                    with self.assertRaisesRegex(EditLockError, label):
                        record.with_user(self.manager).write({name: value})
                break
        self.assertGreaterEqual(len(tried), 3, f"locked documents found for {tried} only")

    def test_views_follow_the_declarations(self):
        """Owned fields are readonly in forms and lists; locked ones from their states on."""
        for model_name in self.guarded:
            Model = self.env[model_name]
            owned = Model._workflow_owned_fields()
            locked = {name for names in Model._workflow_lock.values() for name in names}
            for view_type in ("form", "list"):
                arch = etree.fromstring(Model.get_view(view_type=view_type)["arch"])
                for node in arch.xpath("//field[not(ancestor::field)]"):
                    name = node.get("name")
                    with self.subTest(model=model_name, view=view_type, field=name):
                        readonly = node.get("readonly") or ""
                        if name in owned:
                            self.assertIn(readonly, ("1", "True", "true"))
                        elif name in locked and readonly not in ("1", "True", "true"):
                            self.assertIn("state in", readonly)
