"""What the workflow guard's refusals say, the contexts a client may send with any call, and the
one assertion the procedure guard tests share."""

from ..tools.workflow import WorkflowGuardError

GUARD = "change through the document's buttons only"
LOCKED = "can no longer be changed"
# Context keys a client may send with any call: none of them opens the guard.
CONTEXTS = [
    {},
    {"hanling_archive_transition": True},
    {"tracking_disable": True, "install_mode": True},
]


class GuardAssertions:
    """For a test case with ``self.users`` (login -> user): the guard refuses every forgery."""

    def _expect_guard(self, records, users, forged):
        """Each user writing each forged value, under each client context, is refused by the
        guard (``WorkflowGuardError``, the guard's own message)."""
        for login in users:
            for name, value in forged.items():
                for context in CONTEXTS:
                    with self.subTest(model=records._name, user=login, field=name, ctx=context):
                        with self.assertRaisesRegex(WorkflowGuardError, GUARD):
                            records.with_user(self.users[login]).with_context(**context).write(
                                {name: value}
                            )
