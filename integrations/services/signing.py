"""Standard Webhooks signatures (the `standardwebhooks` package), with rotation.

A connection keeps a list of signing secrets: the first is current, the others stay valid
until their `expires_at`. Outbound messages carry one `v1,` signature per valid secret
(space-separated in `webhook-signature`), so a receiver that has either secret verifies;
inbound messages verify against any valid secret.
"""

from __future__ import annotations

import functools
from datetime import datetime

from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from integrations import crypto
from integrations.models import Connection

ROTATION_OVERLAP_HOURS = 24


def signing_secrets(connection: Connection, *, now: datetime | None = None) -> list[str]:
    """The connection's signing secrets still valid at `now`, current first."""
    now = now or timezone.now()
    entries = crypto.decrypt_json(connection.signing_secrets_encrypted) or []
    return [
        e["secret"]
        for e in entries
        if not e.get("expires_at") or datetime.fromisoformat(e["expires_at"]) > now
    ]


@functools.lru_cache(maxsize=256)
def _signer(secret: str) -> Webhook:
    """The `Webhook` of one secret, kept: its key is decoded once, not once per message."""
    return Webhook(secret)


def signature_header(secrets: list[str], *, msg_id: str, timestamp: datetime, body: str) -> str:
    return " ".join(
        _signer(secret).sign(msg_id=msg_id, timestamp=timestamp, data=body) for secret in secrets
    )


def signed_headers(secrets: list[str], *, msg_id: str, body: str, now: datetime) -> dict:
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature_header(secrets, msg_id=msg_id, timestamp=now, body=body),
    }


def verify(secrets: list[str], *, body: bytes, headers: dict) -> bool:
    """Whether `headers` sign `body` with one of `secrets` within the 5-minute tolerance.
    Raises WebhookVerificationError naming what is wrong when none verifies."""
    last: Exception | None = None
    for secret in secrets:
        try:
            Webhook(secret).verify(body, headers, json_parse=False)
            return True
        except WebhookVerificationError as exc:
            last = exc
        except (ValueError, TypeError):  # a malformed signature list
            last = WebhookVerificationError("Malformed webhook-signature header")
    raise last or WebhookVerificationError("No signing secret configured")
