"""Retention of the audit trail, in years (`AUDIT_RETENTION_YEARS`, 7 by default).

`audit_prune` deletes, per tenant, the oldest rows written before the cut-off (only a
prefix of the chain, so what stays is one unbroken chain), records on the chain head where
the chain now starts (the last pruned row's seq and hash, so `audit_verify` still checks
every remaining link from there), and writes an `audit.pruned` event saying how many rows
went. It lifts the table's append-only guard for its own statement only, as its owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.chain import HEAD_TABLE, TABLE
from audit.models import AuditChainHead
from audit.services import audit_record
from tenants.context import tenant_context

AUDIT_PRUNED = "audit.pruned"


def retention_cutoff(*, now: datetime | None = None, years: int | None = None) -> datetime:
    """`years` (the setting by default) before `now`; 29 February falls back to the 28th."""
    now = now or timezone.now()
    years = settings.AUDIT_RETENTION_YEARS if years is None else years
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


@dataclass(frozen=True)
class Pruned:
    tenant_id: str
    through_seq: int
    rows: int


def _prefix_end(cursor, tenant_id, cutoff) -> tuple[int, str] | None:
    """The last seq (and its hash) of the tenant's oldest rows all written before `cutoff`."""
    cursor.execute(
        f"""SELECT seq, hash FROM "{TABLE}" WHERE tenant_id = %(t)s AND seq < coalesce(
                (SELECT min(seq) FROM "{TABLE}" WHERE tenant_id = %(t)s AND at >= %(cut)s),
                9223372036854775807)
            ORDER BY seq DESC LIMIT 1""",  # noqa: S608 -- the table name is a constant
        {"t": str(tenant_id), "cut": cutoff},
    )
    return cursor.fetchone()


def audit_prune(*, cutoff: datetime, dry_run: bool = False) -> list[Pruned]:
    """Delete each tenant's audit rows written before `cutoff` (see the module)."""
    done = []
    for head in AuditChainHead.objects.all():  # all tenants in context: the caller's
        with tenant_context(head.tenant_id), transaction.atomic():
            with connection.cursor() as cursor:
                end = _prefix_end(cursor, head.tenant_id, cutoff)
                if end is None:
                    continue
                through_seq, through_hash = end
                if dry_run:
                    cursor.execute(
                        f'SELECT count(*) FROM "{TABLE}" WHERE tenant_id = %s AND seq <= %s',  # noqa: S608
                        [str(head.tenant_id), through_seq],
                    )
                    done.append(Pruned(str(head.tenant_id), through_seq, cursor.fetchone()[0]))
                    continue
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f'ALTER TABLE "{TABLE}" DISABLE TRIGGER "{TABLE}_append_only"')
                cursor.execute(
                    f'DELETE FROM "{TABLE}" WHERE tenant_id = %s AND seq <= %s',  # noqa: S608
                    [str(head.tenant_id), through_seq],
                )
                deleted = cursor.rowcount
                cursor.execute(f'ALTER TABLE "{TABLE}" ENABLE TRIGGER "{TABLE}_append_only"')
                cursor.execute(
                    f"UPDATE {HEAD_TABLE} SET pruned_through_seq = %s, "  # noqa: S608
                    "pruned_through_hash = %s WHERE tenant_id = %s",
                    [through_seq, through_hash, str(head.tenant_id)],
                )
            audit_record(
                action=AUDIT_PRUNED,
                tenant_id=head.tenant_id,
                data={
                    "through_seq": through_seq,
                    "rows": deleted,
                    "cutoff": cutoff.isoformat(),
                    "retention_years": settings.AUDIT_RETENTION_YEARS,
                },
            )
            done.append(Pruned(str(head.tenant_id), through_seq, deleted))
    return done
