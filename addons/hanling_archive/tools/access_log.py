"""When the archive's access log is not written: held by the server process, never by the client.

Lists (``web_search_read``) show rows rather than a record being opened, and the records of a
form's sub-lists are read in the same call as the form: those reads are not logged one by one.
The server marks them with a :class:`contextvars.ContextVar` scoped to the call — nothing a
client can put into ``env.context`` (or anywhere else in a request) turns the log off.
"""

import contextlib
import contextvars

_UNLOGGED = contextvars.ContextVar("hanling_archive_unlogged_read", default=False)


@contextlib.contextmanager
def unlogged_read():
    """Reads done inside are part of a read already logged (or of a list): don't log them."""
    token = _UNLOGGED.set(True)
    try:
        yield
    finally:
        _UNLOGGED.reset(token)


def is_unlogged_read():
    return _UNLOGGED.get()
