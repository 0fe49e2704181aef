"""Who is asking, from where: the request id, client address, user agent and on-behalf-of of
the request being served, kept in a context variable so the one audit row builder
(`audit.services.audit_event_build`) reads them without any service passing them on.

`RequestContextMiddleware` sets it for every request (and echoes `X-Request-ID`); the API
kernel adds whom an API client acts for (`On-Behalf-Of`). Outside a request (sweeps, tasks,
commands) there is none and audit rows carry none.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from django.conf import settings

REQUEST_ID_HEADER = "X-Request-ID"
#: An incoming id is kept when it looks like one (a UUID, a trace id): 1-64 characters of
#: letters, digits and `-_.:`; anything else is replaced by a fresh one, never stored as sent.
_WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
USER_AGENT_LENGTH = 300


@dataclass(frozen=True, slots=True)
class RequestContext:
    request_id: str
    ip_address: str | None = None
    user_agent: str = ""
    on_behalf_of_user_id: int | None = None


_current: ContextVar[RequestContext | None] = ContextVar("audit_request_context", default=None)


def current_request_context() -> RequestContext | None:
    return _current.get()


@contextmanager
def request_context_entered(context: RequestContext) -> Iterator[RequestContext]:
    """`context` is the request being served inside the block (the middleware's, or a
    task's that carries on a request's work)."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def request_context_acting_for(user_id: int) -> None:
    """The API client of this request acts for `user_id` (resolved by the API kernel)."""
    context = _current.get()
    if context is not None:
        _current.set(replace(context, on_behalf_of_user_id=user_id))


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXY_COUNT proxies the
    address the outermost of them saw (counted from the right of X-Forwarded-For, so a
    client cannot choose it by sending the header itself)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _is_address(text: str) -> bool:
    """A value the audit row's inet column holds (a misconfigured proxy count could hand us
    anything a client wrote)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def user_agent_of(request) -> str:
    """The client's user agent as a row can hold it: NULs dropped, the first 300 characters."""
    return request.META.get("HTTP_USER_AGENT", "").replace("\x00", "")[:USER_AGENT_LENGTH]


def request_id_of(request) -> str:
    """The caller's `X-Request-ID` when well formed, else a new one."""
    sent = request.META.get("HTTP_X_REQUEST_ID", "")
    return sent if _WELL_FORMED_REQUEST_ID.fullmatch(sent) else str(uuid.uuid4())


class RequestContextMiddleware:
    """First in the chain: every audit row written while the request runs says which request,
    from which address and user agent; the response carries the request id back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = RequestContext(
            request_id=request_id_of(request),
            ip_address=client_address(request),
            user_agent=user_agent_of(request),
        )
        request.request_id = context.request_id
        with request_context_entered(context):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = context.request_id
        return response
