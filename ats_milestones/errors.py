"""The base of every domain error; the API's exception handler maps them to HTTP."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal a user can understand. Subclasses fix `status` and a stable `code`."""

    status: int = 400
    code: str = "INVALID"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields: dict[str, Any] = fields or {}


class InvalidInput(DomainError):
    status = 400
    code = "INVALID_INPUT"


class InvalidReference(DomainError):
    """An id in a request body that is not in the caller's tenant (or does not exist):
    one rule for every body, 400 naming the field; a URL id not ours is a 404."""

    status = 400
    code = "VALIDATION_ERROR"


class NotFound(DomainError):
    status = 404
    code = "NOT_FOUND"


class Conflict(DomainError):
    status = 409
    code = "CONFLICT"


class PreconditionRequired(DomainError):
    status = 428
    code = "PRECONDITION_REQUIRED"


class RuleViolation(DomainError):
    status = 422
    code = "RULE_VIOLATION"
