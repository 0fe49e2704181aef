"""One exit for every API error: `{"error": {"code", "message", "fields"}}`."""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from ats_milestones.errors import DomainError
from tenants.errors import TenantContextMissing

_CODES = {
    exceptions.ParseError: "MALFORMED_REQUEST",
    exceptions.AuthenticationFailed: "NOT_AUTHENTICATED",
    exceptions.NotAuthenticated: "NOT_AUTHENTICATED",
    exceptions.PermissionDenied: "PERMISSION_DENIED",
    exceptions.NotFound: "NOT_FOUND",
    exceptions.MethodNotAllowed: "METHOD_NOT_ALLOWED",
    exceptions.NotAcceptable: "NOT_ACCEPTABLE",
    exceptions.UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
    exceptions.Throttled: "THROTTLED",
    exceptions.ValidationError: "VALIDATION_ERROR",
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail) -> dict:
    """DRF's nested error detail -> {"field.sub": ["message", ...]}."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, sub in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), sub)
        else:
            items = value if isinstance(value, list) else [value]
            out.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in items)

    walk("", detail)
    return out


_UNIQUE_VIOLATION = "23505"


def _is_unique_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    return _UNIQUE_VIOLATION in (getattr(cause, "sqlstate", None), getattr(cause, "pgcode", None))


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        if exc.status == 403 and hasattr(context.get("view"), "record_forbidden"):
            capability = (exc.fields.get("capability") or [""])[0]
            context["view"].record_forbidden(capability=capability, reason=exc.message)
        set_rollback()
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, IntegrityError) and _is_unique_violation(exc):
        # Two requests raced to create the same unique row; the loser may re-read and retry.
        set_rollback()
        return Response(
            error_body("CONFLICT", "A concurrent request created the same object first."),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, TenantContextMissing):
        raise exc
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(math.ceil(exc.wait))

    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "ERROR")
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = "Invalid input: " + ", ".join(sorted(fields))
        body = error_body(code, message, fields)
    else:
        detail = exc.detail
        body = error_body(getattr(exc, "error_code", None) or code, str(detail))
    set_rollback()
    status_code = exc.status_code
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        status_code = status.HTTP_401_UNAUTHORIZED
    return Response(body, status=status_code, headers=headers)
