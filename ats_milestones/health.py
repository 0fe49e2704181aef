"""/healthz: is the database reachable, is the broker reachable."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - health reports any failure
        return False, exc.__class__.__name__


def _broker_ok() -> tuple[bool, str]:
    from ats_milestones.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__


def healthz(request):
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": db_detail,
            "broker": broker_detail,
        },
        status=200 if healthy else 503,
    )
