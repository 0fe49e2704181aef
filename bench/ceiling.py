"""The framework's own ceiling for a write, served only by the benches' server (bench.wsgi).

`POST /api/v1/bench/ceiling/<n>` is what a bare Django + DRF write costs on this machine:
it authenticates, takes the tenant into context, checks the write scope and honours
`Idempotency-Key` exactly as an approval decision does (the same API base view and scope),
parses the same JSON body, then in one transaction locks one row (`SELECT ... FOR UPDATE`)
and writes four rows in one statement. Nothing else: no domain rules, no audit, no events.
A real endpoint's throughput divided by this one's says how much of the framework's ceiling
it keeps (bench.approvals' `ratio_vs_ceiling`).

Its two tables live only in a bench's database (`ceiling_tables_create`), never in the
product's schema or migrations.
"""

from __future__ import annotations

from django.db import connection, transaction
from rest_framework.response import Response

from ats_milestones.api.base import TenantScopedAPIView
from tenants.models import ApiScope

LOCKS = "bench_ceiling_lock"
WRITES = "bench_ceiling_write"
PATH = "/api/v1/bench/ceiling/%s"


def ceiling_tables_create(*, rows: int) -> list[str]:
    """The ceiling's tables in the database Django is connected to, with `rows` lockable
    rows; returns their ids (as the wrk scripts read ids: one per request)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {WRITES}, {LOCKS}")
        cursor.execute(f"CREATE TABLE {LOCKS} (id integer PRIMARY KEY, hits integer NOT NULL)")
        cursor.execute(
            f"CREATE TABLE {WRITES} (id bigserial PRIMARY KEY, "
            f"lock_id integer NOT NULL REFERENCES {LOCKS}(id), n smallint NOT NULL, "
            "body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(
            f"INSERT INTO {LOCKS} (id, hits) SELECT n, 0 FROM generate_series(1, %s) n",  # noqa: S608
            [rows],
        )
        cursor.execute(f"VACUUM ANALYZE {LOCKS}")
    return [str(n) for n in range(1, rows + 1)]


class CeilingView(TenantScopedAPIView):
    """Authenticated like a decision POST; locks one row and writes four."""

    write_scope = ApiScope.APPROVALS_WRITE
    queryset = None

    def post(self, request, pk: int):
        body = str(dict(request.data))  # parsed as the decision's body is
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {LOCKS} WHERE id = %s FOR UPDATE", [pk])  # noqa: S608
            if cursor.fetchone() is None:
                return Response({"ok": False}, status=404)
            cursor.execute(
                f"INSERT INTO {WRITES} (lock_id, n, body) "  # noqa: S608
                "VALUES (%s, 1, %s), (%s, 2, %s), (%s, 3, %s), (%s, 4, %s)",
                [pk, body] * 4,
            )
        return Response({"ok": True, "tenant_id": str(self.tenant_id)}, status=201)
