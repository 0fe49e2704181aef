"""OpenAPI documentation pieces shared by every endpoint: auth scheme and error bodies."""

from __future__ import annotations

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers

from ats_milestones.api.on_behalf_of import ON_BEHALF_OF_PARAMETER


class ApiClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.authentication.ApiClientTokenAuthentication"
    name = "apiClientToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "atsk_<opaque>",
            "description": (
                "An API client's token: `Authorization: Bearer atsk_...`. Each token belongs "
                "to one tenant and carries scopes such as `candidates:read`."
            ),
        }


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {
                "type": "object",
                "description": "One row of a refused import (IMPORT_INVALID, in `rows`).",
                "properties": {
                    "line": {"type": "integer"},
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        ]
    }
)
class _ErrorMessageField(serializers.JSONField):
    """A message; a refused legacy import lists its row errors as objects."""


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. VALIDATION_ERROR.")
    message = serializers.CharField(help_text="Human-readable explanation.")
    fields = serializers.DictField(
        child=serializers.ListField(child=_ErrorMessageField()),
        help_text="Offending field or parameter -> messages; empty when none applies. "
        "IMPORT_INVALID lists each refused row as an object under `rows`.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def _error(description: str, code: str, message: str, fields=None) -> OpenApiResponse:
    return OpenApiResponse(
        response=ErrorSerializer,
        description=description,
        examples=[
            OpenApiExample(
                code,
                value={"error": {"code": code, "message": message, "fields": fields or {}}},
                response_only=True,
            )
        ],
    )


E400 = _error(
    "Invalid input. Codes: VALIDATION_ERROR (a field, query parameter or header is wrong; "
    "`fields` names it), MALFORMED_REQUEST (the body is not valid JSON), INVALID_INPUT.",
    "VALIDATION_ERROR",
    "Invalid input: department",
    {"department": ['Invalid pk "…" - object does not exist.']},
)
E401 = _error(
    "Missing, malformed, unknown or revoked credentials. Code: NOT_AUTHENTICATED.",
    "NOT_AUTHENTICATED",
    "Unknown or revoked API token.",
)
E403 = _error(
    "The credentials lack the scope this call needs. Code: PERMISSION_DENIED.",
    "PERMISSION_DENIED",
    "This call needs the 'candidates:write' scope.",
)
E404 = _error(
    "No such object in your tenant (another tenant's id answers the same). Code: NOT_FOUND.",
    "NOT_FOUND",
    "Not found.",
)
E409 = _error(
    "Conflict. Codes: APPLICATION_EXISTS, DUPLICATE_EXTERNAL_ID, DUPLICATE_CODE, "
    "STALE_VERSION (If-Match names an older version).",
    "STALE_VERSION",
    "The application is at version 3, not 2.",
    {"If-Match": ["Current version is 3."]},
)
E422 = _error(
    "The Idempotency-Key was already used with a different request. Code: IDEMPOTENCY_KEY_REUSED.",
    "IDEMPOTENCY_KEY_REUSED",
    "This Idempotency-Key was used with a different request.",
    {"Idempotency-Key": ["Used with a different request body."]},
)

READ_ERRORS = {401: E401, 403: E403}
DETAIL_ERRORS = {401: E401, 403: E403, 404: E404}

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (≤255 chars, e.g. a UUID). Retrying a POST with the same key and "
        "the same method, path, query and body replays the first success with "
        "`Idempotent-Replayed: true` (other headers such as `If-Match` are not compared); "
        "the same key with another request answers 422 IDEMPOTENCY_KEY_REUSED. A concurrent "
        "request with the key waits for the first, then replays it. Keys are kept for at "
        "least 24 hours."
    ),
)
REPLAYED_HEADER = OpenApiParameter(
    name="Idempotent-Replayed",
    type=str,
    location=OpenApiParameter.HEADER,
    response=[200, 201],
    description="`true` when this response is the replay of an earlier request with the same key.",
)


E429 = _error(
    "Too many calls for this API client (or signed-in user); wait `Retry-After` seconds. "
    "Code: THROTTLED.",
    "THROTTLED",
    "Request was throttled. Expected available in 12 seconds.",
)
E422_ON_BEHALF_OF = _error(
    "`On-Behalf-Of` names nobody this API client may act for (or a POST reused an "
    "`Idempotency-Key`). Code: UNKNOWN_ON_BEHALF_OF, IDEMPOTENCY_KEY_REUSED.",
    "UNKNOWN_ON_BEHALF_OF",
    "On-Behalf-Of names nobody this API client may act for.",
)
REQUEST_ID_HEADER = OpenApiParameter(
    name="X-Request-ID",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Your id for this request (1-64 letters, digits, `-_.:`), echoed in the response and "
        "kept on every audit row the request writes; anything else is replaced by a new one."
    ),
)
RETRY_AFTER_HEADER = OpenApiParameter(
    name="Retry-After",
    type=int,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds until the caller's rate allows another call.",
)


class ApiAutoSchema(AutoSchema):
    """What the base view adds to every operation: `Idempotency-Key` on every POST, and the
    rate limit's 429 (with `Retry-After`) on every call."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        added = [RETRY_AFTER_HEADER, REQUEST_ID_HEADER]
        if hasattr(self.view, "tenant_queryset"):  # the kernel's tenant-bound views
            added.append(ON_BEHALF_OF_PARAMETER)
        if self.method == "POST":
            added += [IDEMPOTENCY_KEY_PARAMETER, REPLAYED_HEADER]
        named = {getattr(p, "name", None) for p in parameters}
        return [*(p for p in added if p.name not in named), *parameters]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.view.throttle_classes and "429" not in responses:
            responses["429"] = self._get_response_for_code(E429, "429", direction=direction)
        if hasattr(self.view, "tenant_queryset") and "422" not in responses:
            responses["422"] = self._get_response_for_code(
                E422_ON_BEHALF_OF, "422", direction=direction
            )
        return responses


IF_MATCH_PARAMETER = OpenApiParameter(
    name="If-Match",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        'The ETag of the version you read, e.g. `"3"`. A newer version on the server '
        "answers 409 STALE_VERSION."
    ),
)


def crud_schema(*, tag: str, create, output, update=None, detail_headers=(), response_headers=()):
    """extend_schema_view for a ServiceViewSet: request/response bodies and error bodies."""
    update = update or create
    write_errors = {400: E400, 401: E401, 403: E403, 404: E404, 409: E409}
    detail_params = [*detail_headers, *response_headers]
    return extend_schema_view(
        list=extend_schema(tags=[tag], responses={200: output, 400: E400, **READ_ERRORS}),
        retrieve=extend_schema(
            tags=[tag], parameters=list(response_headers), responses={200: output, **DETAIL_ERRORS}
        ),
        create=extend_schema(
            tags=[tag],
            request=create,
            parameters=list(response_headers),
            responses={201: output, 400: E400, 401: E401, 403: E403, 409: E409, 422: E422},
        ),
        update=extend_schema(
            tags=[tag],
            request=update,
            parameters=detail_params,
            responses={200: output, **write_errors},
        ),
        partial_update=extend_schema(
            tags=[tag],
            request=update,
            parameters=detail_params,
            responses={200: output, **write_errors},
        ),
    )


def error_codes(*codes) -> str:
    """A response description's list of the stable error codes it may carry."""
    return "Error codes: " + ", ".join(f"`{c}`" for c in codes) + "."


def with_common_errors(success: dict, errors: dict | None = None) -> dict:
    """`success` plus the error bodies every call can answer (401, 403) and `errors`."""
    return {**success, **READ_ERRORS, **(errors or {})}


# -- what every operation can answer ------------------------------------------------------


class BlankableEmailExtension(OpenApiSerializerFieldExtension):
    """An email an output renders may be blank (`""` is no `email` format): a read-only
    field lost its model's `allow_blank`, so say both. (A writable blankable field gets its
    `oneOf [email, ""]` from drf-spectacular itself.)"""

    target_class = "rest_framework.fields.EmailField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if self.target.read_only and not self.target.allow_blank:
            return {"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]}
        return {"type": "string", "format": "email"}


E406 = _error(
    "The Accept header asks for something other than JSON. Code: NOT_ACCEPTABLE.",
    "NOT_ACCEPTABLE",
    "Could not satisfy the request Accept header.",
)
E413 = _error(
    "The body is larger than the limit (docs/api.md). Code: REQUEST_TOO_LARGE.",
    "REQUEST_TOO_LARGE",
    "The request body is larger than 2621440 bytes.",
)
E415 = _error(
    "The body is not `application/json` (or a media type the operation lists). "
    "Code: UNSUPPORTED_MEDIA_TYPE.",
    "UNSUPPORTED_MEDIA_TYPE",
    'Unsupported media type "text/plain" in request.',
)
GENERIC_400 = _error(
    "Invalid input: a query parameter, path segment or body field is wrong (`fields` names "
    "it; e.g. `cursor`, `page_size`, a NUL character), or the body is not valid JSON or "
    "nested deeper than 64 levels. Codes: VALIDATION_ERROR, MALFORMED_REQUEST, INVALID_INPUT.",
    "VALIDATION_ERROR",
    "Invalid input: cursor",
    {"cursor": ["Not a cursor of this list: follow `next` or `previous` as given."]},
)
GENERIC_404 = _error(
    "No such object in your tenant, or no such route. Code: NOT_FOUND.", "NOT_FOUND", "Not found."
)


def document_common_errors(result, generator, request, public):
    """Postprocessing hook: every operation documents the statuses the kernel can answer
    for any route (the fuzzer holds the API to them): 400, 401, 403, 404, 406, 414 (from
    the HTTP server), and 413/415 where there is a body (ApiAutoSchema adds 429). An
    operation's own description of a status wins."""
    common = {
        "400": GENERIC_400,
        "401": E401,
        "403": E403,
        "404": GENERIC_404,
        "406": E406,
    }
    with_body = {"413": E413, "415": E415}
    too_long = {
        "description": "The request line (method, path and query string) is longer than "
        "the HTTP server accepts (4,094 bytes, gunicorn's `limit_request_line`); the server "
        "answers before the application, so the body is not JSON."
    }
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            wanted = dict(common)
            if "requestBody" in operation:
                wanted.update(with_body)
            for code, response in wanted.items():
                if code not in responses:
                    responses[code] = _response_object(response)
            responses.setdefault("414", too_long)
    return result


def allow_blank_emails(result, generator, request, public):
    """Postprocessing hook: drf-spectacular adds `format: email` from the field's validator
    on top of BlankableEmailExtension's `anyOf`; the `anyOf` is the truth."""
    for component in result.get("components", {}).get("schemas", {}).values():
        for prop in (component.get("properties") or {}).values():
            if {"maxLength": 0} in prop.get("anyOf", ()) and prop.get("format") == "email":
                del prop["format"]
    return result


def _response_object(response: OpenApiResponse) -> dict:
    return {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        "description": response.description,
    }
