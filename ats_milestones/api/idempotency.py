"""`Idempotency-Key` on every POST of the API: a retried request replays its first response.

- same key, same request  -> the stored status and body, header `Idempotent-Replayed: true`
- same key, other request -> 422 IDEMPOTENCY_KEY_REUSED
- two requests at once    -> the key row is inserted first, inside the transaction that
  also holds the request's writes; the second insert waits on the unique index until the
  first commits, then does nothing, and the second request replays the first one's
  response (if the first is refused and rolls back, the second goes ahead as a fresh
  request).

Claiming a key is one statement (`INSERT ... ON CONFLICT DO NOTHING` with a read of the
key already stored), not a look-up, a savepoint, an insert and its release.

The base API view (`ats_milestones.api.base`) runs this around every POST handler, so no
view opts in and none can opt out. Only successful responses are stored: a refused request
wrote nothing, so it may be retried with the same key once corrected.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import ExitStack
from functools import cache
from urllib.parse import urlencode

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from ats_milestones.db import json_param
from ats_milestones.errors import DomainError, InvalidInput
from ats_milestones.idempotency.models import IdempotencyKey
from ats_milestones.statements import (
    insert_sql,
    inserted_columns,
    model_from_db,
    row_document,
    select_list,
)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "IDEMPOTENCY_KEY_REUSED"


class IdempotentReplay(Exception):  # noqa: N818 - not an error: the answer, found early
    """The request was answered before: raised before the handler runs, turned into
    `response` by the base view."""

    def __init__(self, response: Response):
        super().__init__("replayed")
        self.response = response


def request_fingerprint(request) -> str:
    """What makes two requests the same one: method, path, query (parameters in any order)
    and body. Headers are not part of it: a retry that re-read the application sends a
    newer `If-Match`, and it is still the same request. Without a query string it is what
    it was before queries counted, so keys stored then still replay."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    raw = f"{request.method}\n{request.path}\n{body}"
    query = sorted(request.query_params.lists())
    if query:
        raw += "\n" + urlencode([(name, value) for name, values in query for value in values])
    return hashlib.sha256(raw.encode()).hexdigest()


def _key_of(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is not None and (not key.strip() or len(key) > MAX_KEY_LENGTH):
        raise InvalidInput(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.",
            fields={HEADER: [f"Must be 1 to {MAX_KEY_LENGTH} characters."]},
        )
    return key


def _stored(*, tenant_id, principal: str, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.for_tenant(tenant_id).filter(principal=principal, key=key).first()


@cache
def _claim_sql() -> str:
    table = IdempotencyKey._meta.db_table
    stored = ", ".join(select_list(IdempotencyKey, "k"))
    insert = insert_sql(IdempotencyKey, many=False)
    return (
        f"WITH claimed AS ({insert} "  # noqa: S608 -- model names
        "ON CONFLICT (tenant_id, principal, key) DO NOTHING RETURNING id) "
        f"SELECT EXISTS (SELECT 1 FROM claimed), {stored} "
        f"FROM (SELECT 1) one LEFT JOIN {table} k "
        "ON k.tenant_id = %s AND k.principal = %s AND k.key = %s"
    )


def _claim(record: IdempotencyKey) -> tuple[bool, IdempotencyKey | None]:
    """Insert `record` unless its key is taken, and read the taken one, in one statement:
    (True, None) when claimed; else (False, the stored key), or (False, None) when the key
    was committed by a concurrent request after the statement's snapshot (the insert waited
    for it, the read cannot see it)."""
    document = row_document(record, inserted_columns(IdempotencyKey), add=True)
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(
            _claim_sql(),
            [json_param(document), record.tenant_id, record.principal, record.key],
        )
        claimed, *stored = cursor.fetchone()
    if claimed:
        record._state.adding = False  # finish() updates the row just inserted
        return True, None
    if stored[0] is None:
        return False, None
    return False, model_from_db(IdempotencyKey, stored, connection)


def _replay(stored: IdempotencyKey, fingerprint: str) -> IdempotentReplay:
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used with a different request.",
            fields={HEADER: ["Used with a different request (method, path, query or body)."]},
        )
    return IdempotentReplay(
        Response(
            stored.response_body,
            status=stored.response_status,
            headers={REPLAYED_HEADER: "true"},
        )
    )


class IdempotentPost:
    """One POST sent with a key, from claiming the key to storing the answer."""

    def __init__(self, record: IdempotencyKey):
        self.record = record

    @classmethod
    def begin(cls, request, *, tenant_id, principal: str, scope: ExitStack):
        """None without a key. Otherwise raises IdempotentReplay (or 422) for a key already
        answered, or claims the key in a transaction entered on `scope`, which then holds
        the handler's writes too; the caller passes the response to `finish()`."""
        key = _key_of(request)
        if key is None:
            return None
        fingerprint = request_fingerprint(request)
        scope.enter_context(transaction.atomic())
        record = IdempotencyKey(
            tenant_id=tenant_id,
            principal=principal,
            key=key,
            method=request.method,
            path=request.path[:500],
            request_hash=fingerprint,
        )
        claimed, stored = _claim(record)
        if claimed:
            return cls(record)
        if stored is None:
            # A concurrent request with the same key committed after this statement began
            # (its insert waited for it): read it again, now that it is visible.
            stored = _stored(tenant_id=tenant_id, principal=principal, key=key)
            if stored is None:
                raise RuntimeError(f"idempotency key {key!r} neither claimed nor stored")
        raise _replay(stored, fingerprint)

    def finish(self, response) -> None:
        """Store a success with the key; anything else rolls the request back, key and all."""
        if not 200 <= response.status_code < 300:
            transaction.set_rollback(True)
            return
        data = getattr(response, "data", None)
        self.record.response_status = response.status_code
        self.record.response_body = json.loads(JSONRenderer().render(data)) if data else data
        self.record.save(update_fields=["response_status", "response_body"])
