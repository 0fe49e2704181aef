"""Retention in years: audit_prune deletes each tenant's rows older than the retention (a
prefix of its chain), says so on the trail, and audit_verify still holds afterwards."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from audit.retention import retention_cutoff
from audit.services import audit_record
from tenants.context import all_tenants_context, tenant_context

pytestmark = pytest.mark.django_db


def _trail(tenant):
    with all_tenants_context():
        return list(AuditEvent.all_tenants.filter(tenant=tenant).order_by("seq"))


def _write(tenant, n: int):
    with tenant_context(tenant):
        for i in range(n):
            audit_record(action="test.row", tenant_id=tenant.pk, data={"i": i})


def test_pruning_as_of_a_later_day_deletes_the_old_prefix_and_the_chain_holds(
    tenant_a, tenant_b, settings
):
    settings.AUDIT_RETENTION_YEARS = 7
    _write(tenant_a, 3)
    _write(tenant_b, 2)
    # Seven years and a day after these rows, they are past retention.
    as_of = (timezone.now() + timedelta(days=7 * 366 + 1)).date().isoformat()
    out = StringIO()
    call_command("audit_prune", "--as-of", as_of, stdout=out)
    assert "Retention 7 years" in out.getvalue()

    [pruned] = _trail(tenant_a)
    assert pruned.action == "audit.pruned"
    assert pruned.data["rows"] == 3 and pruned.data["through_seq"] == 3
    assert pruned.seq == 4
    assert [r.action for r in _trail(tenant_b)] == ["audit.pruned"]
    assert "every chain holds" in _verify()


def test_a_dry_run_deletes_nothing(tenant_a):
    _write(tenant_a, 2)
    as_of = (timezone.now() + timedelta(days=8 * 366)).date().isoformat()
    out = StringIO()
    call_command("audit_prune", "--dry-run", "--as-of", as_of, stdout=out)
    assert "would delete 2 rows" in out.getvalue()
    assert len(_trail(tenant_a)) == 2


def test_rows_inside_the_retention_stay(tenant_a):
    _write(tenant_a, 2)
    call_command("audit_prune", stdout=StringIO())
    assert len(_trail(tenant_a)) == 2


def test_the_cutoff_counts_whole_years_and_a_leap_day_falls_back():
    leap = timezone.now().replace(year=2028, month=2, day=29)
    assert retention_cutoff(now=leap, years=7).date().isoformat() == "2021-02-28"


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit_prune", "--as-of", "next week", stdout=StringIO())


def _verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()
