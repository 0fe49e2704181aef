"""`Idempotency-Key` on POST: a retried create replays its first response.

- same key, same request  -> the stored status and body, header `Idempotent-Replayed: true`
- same key, other request -> 422 IDEMPOTENCY_KEY_REUSED
- two requests at once    -> the key row is inserted first, inside the write's
  transaction; the second insert waits on the unique index until the first commits,
  then fails, and the second request replays the first one's response.

Only successful responses are stored: a refused request wrote nothing, so it may be
retried with the same key once corrected.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from ats_milestones.errors import DomainError, InvalidInput
from ats_milestones.idempotency.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "IDEMPOTENCY_KEY_REUSED"


def request_fingerprint(request) -> str:
    """What makes two requests the same one: method, path, query (parameters in any order)
    and body. Without a query string it is what it was before queries counted, so keys
    stored then still replay."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    raw = f"{request.method}\n{request.path}\n{body}"
    query = sorted(request.query_params.lists())
    if query:
        raw += "\n" + urlencode([(name, value) for name, values in query for value in values])
    return hashlib.sha256(raw.encode()).hexdigest()


class IdempotentCreateMixin:
    """Wraps a view's `create()`; needs `tenant_id` and a principal, as the API base gives."""

    def idempotency_principal(self) -> str:
        client = getattr(self, "api_client", None)
        if client is not None:
            return f"client:{client.pk}"
        return f"user:{self.request.user.pk}"

    def create(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return super().create(request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise InvalidInput(
                f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.",
                fields={HEADER: [f"Must be 1 to {MAX_KEY_LENGTH} characters."]},
            )
        principal = self.idempotency_principal()
        fingerprint = request_fingerprint(request)

        stored = self._stored_key(principal, key)
        if stored is not None:
            return self._replay(stored, fingerprint)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    tenant_id=self.tenant_id,
                    principal=principal,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    request_hash=fingerprint,
                )
                response = super().create(request, *args, **kwargs)
                if response.status_code >= 300:
                    transaction.set_rollback(True)
                    return response
                record.response_status = response.status_code
                record.response_body = json.loads(JSONRenderer().render(response.data))
                record.save(update_fields=["response_status", "response_body"])
                return response
        except IntegrityError:
            # A concurrent request with the same key committed first.
            stored = self._stored_key(principal, key)
            if stored is None:
                raise
            return self._replay(stored, fingerprint)

    def _stored_key(self, principal: str, key: str) -> IdempotencyKey | None:
        return (
            IdempotencyKey.objects.for_tenant(self.tenant_id)
            .filter(principal=principal, key=key)
            .first()
        )

    def _replay(self, stored: IdempotencyKey, fingerprint: str) -> Response:
        if stored.request_hash != fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used with a different request.",
                fields={HEADER: ["Used with a different request body."]},
            )
        return Response(
            stored.response_body,
            status=stored.response_status,
            headers={REPLAYED_HEADER: "true"},
        )
