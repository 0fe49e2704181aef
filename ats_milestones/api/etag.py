"""ETag / If-Match for versioned objects: the ETag is the quoted version number."""

from __future__ import annotations

import re

from ats_milestones.errors import InvalidInput, PreconditionRequired

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')


def etag_of(version: int) -> str:
    return f'"{version}"'


def expected_version_from(request, *, required: bool = False) -> int | None:
    """The version named by If-Match; None when absent or `*` (no check asked for), unless
    the write `required` one (428 naming If-Match)."""
    raw = request.headers.get("If-Match")
    if required and (raw is None or not raw.strip() or raw.strip() == "*"):
        raise PreconditionRequired(
            'Send If-Match: "<version>" with the version you last saw.',
            fields={"If-Match": ["required"]},
        )
    if raw is None or raw.strip() == "*":
        return None
    match = _ETAG.match(raw)
    if match is None:
        raise InvalidInput(
            'If-Match must be an ETag from this API, e.g. "3".',
            fields={"If-Match": ['Expected an ETag such as "3".']},
        )
    return int(match.group(1))
