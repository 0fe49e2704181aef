"""The API's JSON parser: DRF's, with the limits a client can rely on.

- nesting deeper than MAX_DEPTH arrays/objects is a 400 MALFORMED_REQUEST (json.loads
  itself would overflow the stack at ~1,000 levels, a 500);
- a NUL character in any key or string is a 400 VALIDATION_ERROR naming where it is
  (Postgres text and jsonb cannot hold one);
- a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 REQUEST_TOO_LARGE.
"""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from rest_framework import exceptions, parsers, status

MAX_DEPTH = 64


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"
    error_code = "REQUEST_TOO_LARGE"


def read_limited(stream) -> bytes:
    """The body, refused past the configured size (DRF streams bodies past Django's check)."""
    if stream is None:
        return b""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    raw = stream.read(limit + 1) if limit is not None else stream.read()
    if limit is not None and len(raw) > limit:
        raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
    return raw


def check_json_value(value) -> None:
    """Depth and NUL characters, walked without recursion."""
    stack = [(value, 1, "")]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                raise exceptions.ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                if isinstance(key, str) and "\x00" in key:
                    _nul(path)
                child_path = f"{path}.{key}" if path else str(key)
                stack.append((child, depth + 1, child_path))
        elif isinstance(node, str) and "\x00" in node:
            _nul(path)


def _nul(path: str):
    raise exceptions.ValidationError(
        {path or "non_field_errors": ["NUL characters are not allowed."]}
    )


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = read_limited(stream)
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=_no_constants)
        except RecursionError:
            raise exceptions.ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        check_json_value(data)
        return data


def _no_constants(name: str):
    raise ValueError(f"{name} is not valid JSON")
