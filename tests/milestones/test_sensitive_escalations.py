"""An overdue stay in a sensitive milestone is named only to those who may see it: the
hiring manager (no view_sensitive) is not told, the recruiter and the HRBP are."""

from __future__ import annotations

import pytest

from milestones.services.timers.sweep import milestones_sweep
from notifications.models import Notification
from tenants.context import all_tenants_context
from tests.support import rows

from .timer_support import H, escalating_version, overdue_application

pytestmark = pytest.mark.django_db

EVERYONE = ({"level": 1, "after": 48 * H, "notify": ["recruiter", "hiring_manager", "hrbp"]},)


def _sensitive_version(tenant):
    version = escalating_version(tenant=tenant, levels=EVERYONE)
    with all_tenants_context():
        version.milestones.filter(code="APPLIED").update(is_sensitive=True)
    return version


def test_a_sensitive_milestones_escalation_skips_roles_that_may_not_see_it(tenant_a):
    application = overdue_application(
        tenant=tenant_a, hours_ago=50, version=_sensitive_version(tenant_a)
    )
    milestones_sweep()
    told = {n.recipient_id for n in rows(Notification, application=application)}
    requisition = application.requisition
    assert requisition.recruiter_id in told
    assert requisition.hiring_manager_id not in told
    assert len(told) == 2  # the recruiter and the department's HRBP


def test_an_ordinary_milestones_escalation_still_tells_the_hiring_manager(tenant_a):
    application = overdue_application(
        tenant=tenant_a, hours_ago=50, version=escalating_version(tenant=tenant_a, levels=EVERYONE)
    )
    milestones_sweep()
    told = {n.recipient_id for n in rows(Notification, application=application)}
    assert application.requisition.hiring_manager_id in told
