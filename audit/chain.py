"""The per-tenant hash chain of the audit trail.

Postgres links each row as its transaction commits: a deferred constraint trigger (so the
move's single statement, a decision's and the sweep's batch INSERT are linked too) locks
the tenant's `AuditChainHead`, numbers the row `seq = head.seq + 1`, sets `prev_hash` to the
head's hash and `hash = sha256(prev_hash RS canonical row)`, and moves the head on. Rows
are linked in commit order, and the head is locked only while a transaction commits: until
2026-12-03 it was locked from a transaction's first audit row to its commit, so every
writer of one tenant waited for the one before it through its remaining statements, its
client's round trips and its COMMIT.

A row is linked by an UPDATE from within that trigger; the table's append-only trigger lets
exactly that through (only `seq`, `prev_hash` and `hash` change, from inside a trigger) and
refuses every other UPDATE or DELETE. No other transaction ever sees a row unlinked: it
becomes visible at the commit that links it. A transaction that wants its rows linked at
once (the tests that never commit) says `SET CONSTRAINTS compliance_auditevent_chain
IMMEDIATE` (`LINK_NOW_SQL`).

`chain_verify` recomputes every link in Python from the stored columns, independently of
the trigger's SQL, and names the first row that was altered, removed or inserted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection

GENESIS = "0" * 64
FIELD_SEPARATOR = "\x1f"
LINK_SEPARATOR = "\x1e"
TABLE = "compliance_auditevent"
HEAD_TABLE = "audit_auditchainhead"

#: The canonical row as text, in one order (`{r}` is the row: `NEW.` in the trigger); the
#: trigger hashes it in SQL, the verifier reads the same text and hashes it in Python.
CANONICAL_COLUMNS = (
    "{r}tenant_id::text",
    "{r}seq::text",
    "((extract(epoch FROM {r}at) * 1000000)::bigint)::text",
    "{r}action",
    "coalesce({r}actor_user_id::text, '')",
    "coalesce({r}actor_api_client_id::text, '')",
    "{r}object_type",
    "{r}object_id",
    "{r}data::text",
    "coalesce(host({r}ip_address), '')",
)


#: Since migration 0004 a row also says which request wrote it. Those columns join the
#: canonical text only when one is set, so every row written before (all empty) keeps its
#: hash and the chain verifies unchanged; a request's rows hash them, so altering one shows.
REQUEST_COLUMNS = (
    "{r}request_id",
    "{r}user_agent",
    "coalesce({r}on_behalf_of_user_id::text, '')",
)
_REQUEST_SET = "{r}request_id <> '' OR {r}user_agent <> '' OR {r}on_behalf_of_user_id IS NOT NULL"


def _canonical(row: str) -> list[str]:
    return [column.format(r=row) for column in CANONICAL_COLUMNS]


def _request_suffix_sql(row: str) -> str:
    columns = " || E'\\x1f' || ".join(f"({c.format(r=row)})" for c in REQUEST_COLUMNS)
    return f"(CASE WHEN {_REQUEST_SET.format(r=row)} THEN E'\\x1f' || {columns} ELSE '' END)"


def request_suffix(request_columns: tuple[str, ...]) -> str:
    """The request columns' part of a row's canonical text ("" when none is set)."""
    if not any(request_columns):
        return ""
    return FIELD_SEPARATOR + FIELD_SEPARATOR.join(request_columns)


_CANONICAL_NEW = " || E'\\x1f' || ".join(f"({c})" for c in _canonical("NEW."))


#: Both triggers' first step: the tenant's chain head, locked (made with its first row).
_HEAD_LOCKED = f"""    SELECT seq, hash INTO head_seq, head_hash FROM {HEAD_TABLE}
    WHERE tenant_id = NEW.tenant_id FOR UPDATE;
    IF NOT FOUND THEN  -- the tenant's first row: start its chain (a racing first row waits)
        INSERT INTO {HEAD_TABLE} (tenant_id, seq, hash) VALUES (NEW.tenant_id, 0, '{GENESIS}')
        ON CONFLICT (tenant_id) DO NOTHING;
        SELECT seq, hash INTO head_seq, head_hash FROM {HEAD_TABLE}
        WHERE tenant_id = NEW.tenant_id FOR UPDATE;
    END IF;
"""  # noqa: S608 -- table names are constants


def _trigger_function_sql(canonical: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION ats_audit_chain() RETURNS trigger AS $$
DECLARE
    head_seq bigint;
    head_hash text;
BEGIN
{_HEAD_LOCKED}    NEW.seq := head_seq + 1;
    NEW.prev_hash := head_hash;
    NEW.hash := encode(sha256(convert_to(
        head_hash || E'\\x1e' || {canonical}, 'UTF8')), 'hex');
    UPDATE {HEAD_TABLE} SET seq = NEW.seq, hash = NEW.hash WHERE tenant_id = NEW.tenant_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""  # noqa: S608 -- table names are constants, values come from the row


#: The trigger as migration 0002 installed it, before rows had request columns.
TRIGGER_FUNCTION_SQL = _trigger_function_sql(_CANONICAL_NEW)
#: The trigger since migration 0004: the request columns too, when set.
TRIGGER_FUNCTION_WITH_REQUEST_SQL = _trigger_function_sql(
    f"{_CANONICAL_NEW} || {_request_suffix_sql('NEW.')}"
)

CREATE_TRIGGER_SQL = (
    f'CREATE TRIGGER "{TABLE}_chain" BEFORE INSERT ON "{TABLE}" '
    "FOR EACH ROW EXECUTE FUNCTION ats_audit_chain();"
)
DROP_TRIGGER_SQL = f'DROP TRIGGER IF EXISTS "{TABLE}_chain" ON "{TABLE}";'


#: Since 2026-12-03 (migration 0005) a row is linked as its transaction commits.
LINK_AT_COMMIT_SQL = f"""
CREATE OR REPLACE FUNCTION ats_audit_chain_link() RETURNS trigger AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    link text;
    scope text := current_setting('app.all_tenants', true);
BEGIN
    -- At commit the tenant may have left the context: link with every tenant in sight,
    -- then give the transaction its own setting back.
    PERFORM set_config('app.all_tenants', 'on', true);
{_HEAD_LOCKED}    NEW.seq := head_seq + 1;
    link := encode(sha256(convert_to(
        head_hash || E'\\x1e' || {_CANONICAL_NEW} || {_request_suffix_sql("NEW.")},
        'UTF8')), 'hex');
    UPDATE "{TABLE}" SET seq = NEW.seq, prev_hash = head_hash, hash = link WHERE id = NEW.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'audit row % is gone before its commit linked it', NEW.id;
    END IF;
    UPDATE {HEAD_TABLE} SET seq = NEW.seq, hash = link WHERE tenant_id = NEW.tenant_id;
    PERFORM set_config('app.all_tenants', coalesce(scope, ''), true);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Append-only, but for the link the trigger above writes into a row of its own commit.
CREATE OR REPLACE FUNCTION ats_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1
       AND to_jsonb(OLD) - '{{seq,prev_hash,hash}}'::text[]
           = to_jsonb(NEW) - '{{seq,prev_hash,hash}}'::text[] THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS "{TABLE}_chain" ON "{TABLE}";
DROP TRIGGER IF EXISTS "{TABLE}_append_only" ON "{TABLE}";
CREATE TRIGGER "{TABLE}_append_only" BEFORE UPDATE OR DELETE ON "{TABLE}"
    FOR EACH ROW EXECUTE FUNCTION ats_audit_refuse_change();
CREATE CONSTRAINT TRIGGER "{TABLE}_chain" AFTER INSERT ON "{TABLE}"
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ats_audit_chain_link();
"""  # noqa: S608 -- table names are constants, values come from the row

#: Back to linking at insert (migration 0005 reversed).
LINK_AT_INSERT_SQL = f"""
DROP TRIGGER IF EXISTS "{TABLE}_chain" ON "{TABLE}";
DROP TRIGGER IF EXISTS "{TABLE}_append_only" ON "{TABLE}";
CREATE TRIGGER "{TABLE}_append_only" BEFORE UPDATE OR DELETE ON "{TABLE}"
    FOR EACH ROW EXECUTE FUNCTION ats_refuse_change();
{TRIGGER_FUNCTION_WITH_REQUEST_SQL}
{CREATE_TRIGGER_SQL}
DROP FUNCTION IF EXISTS ats_audit_chain_link();
DROP FUNCTION IF EXISTS ats_audit_refuse_change();
"""
#: Link this transaction's rows as each statement ends, not at its commit.
LINK_NOW_SQL = f'SET CONSTRAINTS "{TABLE}_chain" IMMEDIATE'


def link_hash(prev_hash: str, canonical: tuple[str, ...], request: tuple[str, ...] = ()) -> str:
    text = prev_hash + LINK_SEPARATOR + FIELD_SEPARATOR.join(canonical) + request_suffix(request)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place a tenant's chain does not hold."""

    tenant_id: str
    kind: str  # altered | removed | inserted
    row_id: str | None
    seq: int | None
    detail: str

    def __str__(self) -> str:
        where = f"row {self.row_id} (seq {self.seq})" if self.row_id else f"seq {self.seq}"
        return f"tenant {self.tenant_id}: {where} {self.kind}: {self.detail}"


def _rows(tenant_id=None) -> Iterator[tuple]:
    where = "WHERE e.tenant_id = %s" if tenant_id else ""
    select = ", ".join(_canonical("e.") + [c.format(r="e.") for c in REQUEST_COLUMNS])
    sql = (
        f"SELECT e.id::text, e.tenant_id::text, e.seq, e.prev_hash, e.hash, {select} "  # noqa: S608
        f"FROM {TABLE} AS e {where} ORDER BY e.tenant_id, e.seq NULLS FIRST, e.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(tenant_id)] if tenant_id else [])
        while batch := cursor.fetchmany(2000):
            yield from batch


class Head(NamedTuple):
    """A tenant's chain: its last link, and where it starts (after pruned rows)."""

    seq: int
    hash: str
    pruned_through_seq: int = 0
    pruned_through_hash: str = GENESIS


def chain_heads(tenant_id=None) -> dict[str, Head]:
    where = "WHERE tenant_id = %s" if tenant_id else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tenant_id::text, seq, hash, pruned_through_seq, pruned_through_hash "  # noqa: S608
            f"FROM {HEAD_TABLE} {where}",
            [str(tenant_id)] if tenant_id else [],
        )
        return {t: Head(*rest) for t, *rest in cursor.fetchall()}


def chain_verify(*, tenant_id=None) -> tuple[int, list[Break]]:
    """Recompute every tenant's chain (or one tenant's); return how many rows were checked
    and the first break of each tenant whose chain does not hold. Run it with all tenants in
    context (row-level security)."""
    heads = chain_heads(tenant_id)
    breaks: dict[str, Break] = {}
    last: dict[str, tuple[int, str]] = {}
    checked = 0
    request_width = len(REQUEST_COLUMNS)
    for row_id, tenant, seq, prev_hash, stored, *columns in _rows(tenant_id):
        canonical, request = tuple(columns[:-request_width]), tuple(columns[-request_width:])
        checked += 1
        if tenant in breaks:
            continue
        head = heads.get(tenant, Head(0, GENESIS))
        start = (head.pruned_through_seq, head.pruned_through_hash)
        expected_seq, expected_prev = last.get(tenant, start)
        expected_seq += 1
        if seq is None or stored is None:
            breaks[tenant] = Break(tenant, "inserted", row_id, seq, "a row with no link")
        elif seq < expected_seq:
            breaks[tenant] = Break(tenant, "inserted", row_id, seq, "a second row at this seq")
        elif seq > expected_seq:
            breaks[tenant] = Break(
                tenant, "removed", row_id, seq, f"rows {expected_seq}..{seq - 1} are missing"
            )
        elif prev_hash != expected_prev:
            breaks[tenant] = Break(
                tenant, "inserted", row_id, seq, "its previous hash is not the row before's"
            )
        elif link_hash(prev_hash, canonical, request) != stored:
            breaks[tenant] = Break(
                tenant, "altered", row_id, seq, "its content does not match its hash"
            )
        else:
            last[tenant] = (seq, stored)
    for tenant, (head_seq, head_hash, pruned_seq, pruned_hash) in heads.items():
        if tenant in breaks:
            continue
        seen_seq, seen_hash = last.get(tenant, (pruned_seq, pruned_hash))
        if head_seq != seen_seq:
            breaks[tenant] = Break(
                tenant, "removed", None, seen_seq + 1, f"rows up to {head_seq} are missing"
            )
        elif head_hash != seen_hash:
            breaks[tenant] = Break(
                tenant, "altered", None, head_seq, "the last row is not the chain's head"
            )
    return checked, sorted(breaks.values(), key=lambda b: b.tenant_id)


_CANONICAL_ROW = " || E'\\x1f' || ".join(f"({c})" for c in _canonical("e."))

#: Links the rows written before the chain existed, in the order they were written.
BACKFILL_SQL = f"""
SELECT set_config('app.all_tenants', 'on', true);
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE "{TABLE}" DISABLE TRIGGER "{TABLE}_append_only";
DO $$
DECLARE
    r record;
    current_tenant uuid;
    n bigint;
    prev text;
BEGIN
    FOR r IN SELECT id, tenant_id FROM "{TABLE}" WHERE seq IS NULL ORDER BY tenant_id, at, id
    LOOP
        IF current_tenant IS DISTINCT FROM r.tenant_id THEN
            current_tenant := r.tenant_id;
            n := 0;
            prev := '{GENESIS}';
        END IF;
        n := n + 1;
        UPDATE "{TABLE}" AS e SET seq = n, prev_hash = prev WHERE e.id = r.id;
        UPDATE "{TABLE}" AS e
        SET hash = encode(sha256(convert_to(prev || E'\\x1e' || {_CANONICAL_ROW}, 'UTF8')), 'hex')
        WHERE e.id = r.id RETURNING e.hash INTO prev;
    END LOOP;
END;
$$;
ALTER TABLE "{TABLE}" ENABLE TRIGGER "{TABLE}_append_only";
INSERT INTO {HEAD_TABLE} (tenant_id, seq, hash)
SELECT DISTINCT ON (tenant_id) tenant_id, seq, hash FROM "{TABLE}"
ORDER BY tenant_id, seq DESC;
"""  # noqa: S608 -- table names are constants
