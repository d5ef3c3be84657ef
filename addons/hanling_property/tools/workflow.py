"""The workflow guard's permission: held by the server process, never by the client.

A procedure's actions (``action_*`` buttons and the hooks other documents call) run as
*workflow steps*: while one runs, the fields its model declares as workflow-owned (state,
approvals, approvers, levels, approved amounts, links to money records) may be written. The
permission is a :class:`contextvars.ContextVar` of the running Python code — nothing in
``env.context``, in the values of a call or in the order of calls can set it.
"""

import contextlib
import contextvars
import functools

from odoo.exceptions import UserError

# The models whose workflow step is running in this thread / task.
_GRANTS = contextvars.ContextVar("hanling_workflow_grants", default=frozenset())


class WorkflowGuardError(UserError):
    """A workflow-owned field was written or set outside the model's own action."""


class EditLockError(UserError):
    """A field frozen by the document's state was changed."""


@contextlib.contextmanager
def workflow_grant(*model_names):
    """Let the code inside write the workflow-owned fields of ``model_names``.

    For server code only (the actions below, data migrations, test set-up that builds a
    document in a later state); a client reaches it only through an action.
    """
    token = _GRANTS.set(_GRANTS.get() | frozenset(model_names))
    try:
        yield
    finally:
        _GRANTS.reset(token)


def workflow_step(method):
    """Decorate a procedure's action: inside it, its own model's workflow fields are writable.

    The action checks the step's conditions (``_check_state``, signatures, money, rights)
    before it writes; everything it calls runs inside the same grant.
    """

    @functools.wraps(method)
    def step(self, *args, **kwargs):
        with workflow_grant(self._name):
            return method(self, *args, **kwargs)

    step._hanling_workflow_step = True
    return step


def is_granted(model_name):
    return model_name in _GRANTS.get()
