"""Connections: create, change, rotate the signing secret, validate the endpoint.

Secrets (auth secret, signing secrets) are encrypted before they are stored and returned
in plain exactly once, by the call that made them; nothing logs them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ats_milestones.errors import InvalidInput
from audit.services import audit_record
from integrations import crypto
from integrations.errors import IntegrationErrorCode
from integrations.models import AuthKind, Connection, ConnectionKind
from integrations.outbox import event_types
from integrations.selectors import validation_interval
from integrations.services.auth import auth_headers
from integrations.services.http import EndpointRefused, HttpClient, endpoint_address
from integrations.services.signing import ROTATION_OVERLAP_HOURS, signed_headers, signing_secrets
from tenants.actors import Actor

AUDIT_OBJECT_CONNECTION = "integrations.Connection"
EDITABLE = (
    "name",
    "kind",
    "endpoint_url",
    "auth_kind",
    "auth_username",
    "oauth_token_url",
    "oauth_scope",
    "event_types",
    "filters",
    "connector_settings",
    "timeout_s",
    "rate_limit_per_minute",
    "enabled",
)


# A change of one of these (or of the auth secret) validates the endpoint again.
VALIDATED_FIELDS = frozenset(
    {"endpoint_url", "auth_kind", "auth_username", "oauth_token_url", "oauth_scope"}
)


def connection_needs_validation(values: dict[str, Any], *, auth_secret: str | None) -> bool:
    return auth_secret is not None or bool(VALIDATED_FIELDS & set(values))


@dataclass(frozen=True)
class ValidationResult:
    ok: bool
    message: str
    status: int | None = None
    latency_ms: float | None = None


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(
        message, code=IntegrationErrorCode.INVALID_CONNECTION, fields={field: [message]}
    )


def connection_check(values: dict[str, Any], *, auth_secret: str | None, existing=None) -> None:
    """The rules of a connection that a serializer cannot see: endpoint allowed, auth
    complete, subscriptions known, filters well-formed."""
    for field in ("endpoint_url", "oauth_token_url"):
        if values.get(field):
            try:
                endpoint_address(values[field])
            except EndpointRefused as refusal:
                raise _invalid(field, str(refusal)) from refusal
    kind = values.get("auth_kind", AuthKind.NONE)
    has_secret = bool(auth_secret) or bool(
        existing and existing.auth_secret_encrypted and existing.auth_kind == kind
    )
    if kind in (AuthKind.BEARER, AuthKind.BASIC, AuthKind.OAUTH2) and not has_secret:
        raise _invalid(
            "auth_secret", "This auth needs a secret (token, password or client secret)."
        )
    if kind in (AuthKind.BASIC, AuthKind.OAUTH2) and not values.get("auth_username"):
        raise _invalid("auth_username", "This auth needs a user name or client id.")
    if kind == AuthKind.OAUTH2 and not values.get("oauth_token_url"):
        raise _invalid("oauth_token_url", "OAuth 2 client credentials need the token URL.")
    known = event_types()
    unknown = sorted(set(values.get("event_types") or ()) - set(known))
    if unknown:
        raise _invalid(
            "event_types",
            f"Unknown event types: {', '.join(unknown)}. Known: {', '.join(known)}.",
        )
    filters = values.get("filters") or {}
    if not isinstance(filters, dict) or not all(
        isinstance(k, str)
        and isinstance(v, list)
        and all(isinstance(x, str | int | bool) for x in v)
        for k, v in filters.items()
    ):
        raise _invalid(
            "filters",
            "Filters map a data field to a list of allowed values, "
            'e.g. {"to_milestone": ["OFFER"]}.',
        )
    problem = connector_settings_problem(values.get("kind"), values.get("connector_settings"))
    if problem:
        raise _invalid("connector_settings", problem)


def _str_map(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) and k and v for k, v in value.items()
    )


def connector_settings_problem(kind, settings_value) -> str:
    """What is wrong with a connection's connector settings for its kind ("" if nothing)."""
    if settings_value in (None, {}):
        return ""
    if not isinstance(settings_value, dict):
        return "Connector settings are an object."
    allowed = {
        "hris": {"status_mappings": _str_map, "start_date_kind": lambda v: isinstance(v, str)},
        "payroll": {"milestones": _str_map},
        "background_check": {
            "milestone_code": lambda v: isinstance(v, str) and bool(v),
            "package": lambda v: isinstance(v, str) and bool(v),
            "invitation": lambda v: isinstance(v, bool),
            "adverse_action_waiting_days": lambda v: type(v) is int and 1 <= v <= 30,
        },
    }.get(kind)
    if allowed is None:
        return "Only HRIS, background check and payroll connections have connector settings."
    for key, value in settings_value.items():
        if key not in allowed:
            return f"Unknown setting {key!r}; known: {', '.join(sorted(allowed))}."
        if not allowed[key](value):
            return f"The setting {key!r} has the wrong shape (see docs/integrations.md)."
    return ""


@transaction.atomic
def connection_create(
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    values: dict[str, Any],
    auth_secret: str = "",
    signing_secret: str = "",
) -> tuple[Connection, str]:
    """A new connection and its signing secret in plain (shown this once). A given
    `signing_secret` must be a Standard Webhooks secret (`whsec_` + 24-64 bytes)."""
    connection_check(values, auth_secret=auth_secret)
    if signing_secret and not crypto.signing_secret_valid(signing_secret):
        raise _invalid(
            "signing_secret", "A signing secret is whsec_ and base64 of 24 to 64 random bytes."
        )
    if Connection.objects.for_tenant(tenant_id).filter(name=values["name"]).exists():
        raise _invalid("name", "A connection of this name exists already.")
    secret = signing_secret or crypto.signing_secret_new()
    connection = Connection(
        tenant_id=tenant_id,
        created_by_id=actor.user_id,
        auth_secret_encrypted=crypto.encrypt(auth_secret),
        signing_secrets_encrypted=crypto.encrypt_json([{"secret": secret, "expires_at": None}]),
        **{k: v for k, v in values.items() if k in EDITABLE},
    )
    connection.save()
    audit_record(
        action="connection.created",
        tenant_id=tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_CONNECTION,
        object_id=str(connection.pk),
        data={
            "name": connection.name,
            "kind": connection.kind,
            "endpoint_url": connection.endpoint_url,
        },
    )
    return connection, secret


@transaction.atomic
def connection_update(
    *, connection: Connection, actor: Actor, values: dict[str, Any], auth_secret: str | None = None
) -> Connection:
    """Change what `values` names (a new `auth_secret` replaces the stored one). Enabling
    clears the reason it was disabled."""
    merged = {name: getattr(connection, name) for name in EDITABLE} | values
    connection_check(merged, auth_secret=auth_secret, existing=connection)
    if (
        "name" in values
        and Connection.objects.filter(name=values["name"]).exclude(pk=connection.pk).exists()
    ):
        raise _invalid("name", "A connection of this name exists already.")
    for name, value in values.items():
        if name in EDITABLE:
            setattr(connection, name, value)
    if auth_secret is not None:
        connection.auth_secret_encrypted = crypto.encrypt(auth_secret)
    if values.get("enabled"):
        connection.disabled_reason = ""
    connection.save()
    audit_record(
        action="connection.updated",
        tenant_id=connection.tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_CONNECTION,
        object_id=str(connection.pk),
        data={
            "fields": sorted(set(values) | ({"auth_secret"} if auth_secret is not None else set()))
        },
    )
    return connection


@transaction.atomic
def connection_rotate_signing_secret(
    *,
    connection: Connection,
    actor: Actor,
    overlap: timedelta = timedelta(hours=ROTATION_OVERLAP_HOURS),
) -> str:
    """A new current signing secret (returned in plain, once); the previous ones stay valid
    for `overlap`, outbound (both signatures sent) and inbound (either accepted)."""
    now = timezone.now()
    entries = crypto.decrypt_json(connection.signing_secrets_encrypted) or []
    kept = [
        {"secret": e["secret"], "expires_at": e.get("expires_at") or (now + overlap).isoformat()}
        for e in entries
        if e["secret"] in signing_secrets(connection, now=now)
    ]
    secret = crypto.signing_secret_new()
    connection.signing_secrets_encrypted = crypto.encrypt_json(
        [{"secret": secret, "expires_at": None}, *kept]
    )
    connection.save(update_fields=["signing_secrets_encrypted", "updated_at"])
    audit_record(
        action="connection.signing_secret_rotated",
        tenant_id=connection.tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_CONNECTION,
        object_id=str(connection.pk),
        data={"overlap_hours": overlap.total_seconds() / 3600},
    )
    return secret


def _vendor_api_reached(status: int) -> bool:
    return status < 500 and status not in (401, 403, 407)


def connection_validate(
    *, connection: Connection, actor: Actor, client: HttpClient | None = None
) -> ValidationResult:
    """Send a signed `connection.test` event (after fetching an OAuth token, if the auth is
    OAuth); a connection whose endpoint does not answer 2xx is disabled with the reason (and
    enabled again by a passing validation). The result is kept on the connection, and the
    next scheduled validation set one tenant interval later (quarterly by default)."""
    now = timezone.now()
    msg_id = f"msg_test_{uuid.uuid4().hex}"
    body = json.dumps(
        {
            "type": "connection.test",
            "timestamp": now.isoformat(),
            "data": {"connection_id": str(connection.pk), "connection_name": connection.name},
        },
        separators=(",", ":"),
    )
    try:
        headers = signed_headers(
            signing_secrets(connection, now=now), msg_id=msg_id, body=body, now=now
        )
        headers |= auth_headers(connection, client or HttpClient())
        result = (client or HttpClient()).post(
            connection.endpoint_url,
            body=body.encode(),
            headers=headers,
            timeout_s=connection.timeout_s,
        )
    except EndpointRefused as refusal:
        outcome = ValidationResult(False, str(refusal))
    else:
        if result.status is not None and 200 <= result.status < 300:
            outcome = ValidationResult(
                True,
                f"The endpoint accepted a signed test event ({result.status}).",
                result.status,
                result.latency_ms,
            )
        elif result.status is None:
            outcome = ValidationResult(
                False, f"The endpoint did not answer: {result.error}", None, result.latency_ms
            )
        elif connection.kind == ConnectionKind.BACKGROUND_CHECK and _vendor_api_reached(
            result.status
        ):
            # The endpoint is the vendor's API base (orders go to its /v1/ paths): an
            # answer that is not an auth refusal or a server error shows it is reachable.
            outcome = ValidationResult(
                True,
                f"The vendor's API answered {result.status}: reachable, credentials accepted.",
                result.status,
                result.latency_ms,
            )
        else:
            outcome = ValidationResult(
                False,
                f"The endpoint answered {result.status} to a signed test event.",
                result.status,
                result.latency_ms,
            )
    with transaction.atomic():
        if (
            outcome.ok
            and not connection.enabled
            and connection.disabled_reason.startswith("Validation failed")
        ):
            connection.enabled, connection.disabled_reason = True, ""
        elif not outcome.ok:
            connection.enabled = False
            connection.disabled_reason = f"Validation failed: {outcome.message}"[:300]
        connection.last_validated_at = timezone.now()
        connection.last_validation_ok = outcome.ok
        connection.last_validation_message = outcome.message[:300]
        connection.next_validation_at = connection.last_validated_at + validation_interval(
            tenant_id=connection.tenant_id
        )
        connection.save(
            update_fields=[
                "enabled",
                "disabled_reason",
                "last_validated_at",
                "last_validation_ok",
                "last_validation_message",
                "next_validation_at",
                "updated_at",
            ]
        )
        audit_record(
            action="connection.validated",
            tenant_id=connection.tenant_id,
            actor=actor,
            object_type=AUDIT_OBJECT_CONNECTION,
            object_id=str(connection.pk),
            data={"ok": outcome.ok, "status": outcome.status},
        )
    return outcome
