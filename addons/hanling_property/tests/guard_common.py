"""What the workflow guard's refusals say, and the contexts a client may send with any call."""

GUARD = "change through the document's buttons only"
LOCKED = "can no longer be changed"
# Context keys a client may send with any call: none of them opens the guard.
CONTEXTS = [
    {},
    {"hanling_archive_transition": True},
    {"tracking_disable": True, "install_mode": True},
]
