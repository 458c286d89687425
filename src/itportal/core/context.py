"""Who is acting, and under which request or job: carried to the audit log.

Web requests set a request id in middleware; management commands and tasks open an
`acting_as(...)` block so their changes are attributed too.
"""

import contextlib
import contextvars
import uuid

_request_id = contextvars.ContextVar("itportal_request_id", default="")
_source = contextvars.ContextVar("itportal_change_source", default="")


def new_request_id():
    return uuid.uuid4().hex


def current_request_id():
    return _request_id.get()


def current_source():
    return _source.get()


@contextlib.contextmanager
def change_context(*, request_id=None, source=""):
    """Attribute the changes made inside the block to a request/job id and a source label."""
    token_id = _request_id.set(request_id or new_request_id())
    token_source = _source.set(source)
    try:
        yield current_request_id()
    finally:
        _request_id.reset(token_id)
        _source.reset(token_source)
