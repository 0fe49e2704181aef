"""The start page of each role: what a recruiter, hiring manager, admin and auditor see."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from milestones.models import ApplicationMilestone, DeadlineFiring, MilestoneState
from milestones.services.timers.sweep import milestones_sweep
from tenants.context import all_tenants_context
from tenants.models import Role
from tests import factories
from tests.milestones.factories import make_version
from tests.milestones.timer_support import overdue_application
from tests.reporting.factories import make_failure, make_pipeline, move

pytestmark = pytest.mark.django_db


def _member(tenant, role, username):
    user = factories.make_user(username=username, first_name=username.title(), last_name="X")
    factories.make_membership(tenant=tenant, user=user, role=role)
    client = Client()
    client.force_login(user)
    return user, client


def test_a_recruiter_sees_their_stuck_candidates_due_today_and_funnels(tenant_a):
    rita, client = _member(tenant_a, Role.RECRUITER, "rita")
    other, _ = _member(tenant_a, Role.RECRUITER, "otto")
    requisition, _ = make_pipeline(tenant_a, recruiter=rita, size=4)
    make_pipeline(tenant_a, recruiter=other, size=2, title="Not mine")
    html = client.get("/").content.decode()
    assert "2</span> stuck in Screen" in html
    assert "Backend engineer" in html and "Not mine" not in html
    assert 'data-testid="requisition-funnel"' in html
    assert 'Due today <span class="count">2</span>' in html


def test_a_recruiter_drills_from_stuck_in_a_milestone_to_those_candidates(tenant_a):
    rita, client = _member(tenant_a, Role.RECRUITER, "rita")
    _, applications = make_pipeline(tenant_a, recruiter=rita, size=4)
    html = client.get("/").content.decode()
    [href] = re.findall(r'href="([^"]+)" data-testid="stuck-group"', html)
    stuck = client.get(href.replace("&amp;", "&")).content.decode()
    waiting = [a for index, a in enumerate(applications) if not index % 2]
    rejected = [a for index, a in enumerate(applications) if index % 2]
    assert all(a.candidate.full_name in stuck for a in waiting)
    assert not any(a.candidate.full_name in stuck for a in rejected)


def test_a_hiring_manager_sees_where_their_requisitions_candidates_wait(tenant_a):
    manager, client = _member(tenant_a, Role.HIRING_MANAGER, "hana")
    version = make_version(tenant=tenant_a)
    requisition = factories.make_requisition(
        tenant=tenant_a, title="Data analyst", framework_version=version, hiring_manager=manager
    )
    from milestones.services.transitions.initialize import application_milestones_initialize
    from tenants.context import tenant_context

    for _ in range(2):
        application = factories.make_application(tenant=tenant_a, requisition=requisition)
        with tenant_context(tenant_a):
            application_milestones_initialize(application_id=application.pk)
    move(tenant_a, application, "reject", reason="No")
    html = client.get("/").content.decode()
    assert "Data analyst" in html
    assert "1 in Applied" in html  # the one still waiting
    assert 'data-testid="requisition-funnel"' in html
    assert 'data-testid="home-approvals"' in html


def test_an_admin_sees_failures_sweep_health_and_rule_moves(tenant_a):
    _, client = _member(tenant_a, Role.ADMIN, "adam")
    failure = make_failure(tenant=tenant_a)
    overdue_application(tenant=tenant_a, hours_ago=130)
    html = client.get("/").content.decode()
    assert failure.application.candidate.full_name in html
    assert "The sweep is behind" in html
    milestones_sweep()
    html = client.get("/").content.decode()
    assert "Nothing due is waiting" in html
    assert "None yet" in html  # no deadline fired, but an escalation did
    with all_tenants_context():
        assert not DeadlineFiring.all_tenants.exists()
        assert ApplicationMilestone.all_tenants.filter(
            state=MilestoneState.ACTIVE, escalation_level__gt=0
        ).exists()


def test_an_auditor_gets_the_audit_search_and_recent_activity(tenant_a):
    rita, _ = _member(tenant_a, Role.RECRUITER, "rita")
    make_pipeline(tenant_a, recruiter=rita, size=1)
    _, client = _member(tenant_a, Role.AUDITOR, "audrey")
    html = client.get("/").content.decode()
    assert 'data-testid="audit-entry"' in html and 'href="/audit/"' in html
    assert "Started a candidate&#x27;s milestones" in html or "Moved a candidate" in html


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.HIRING_MANAGER, Role.ADMIN, Role.AUDITOR])
def test_each_home_reads_a_constant_number_of_queries(
    tenant_a, django_assert_max_num_queries, role
):
    user, client = _member(tenant_a, role, "pat")
    kw = {"recruiter": user, "hiring_manager": user}
    make_pipeline(tenant_a, size=2, **kw)
    make_failure(tenant=tenant_a)
    with django_assert_max_num_queries(60) as small:
        assert client.get("/").status_code == 200
    for index in range(3):
        make_pipeline(tenant_a, size=5, title=f"Req {index}", **kw)
        make_failure(tenant=tenant_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/").status_code == 200


def test_a_person_with_no_tenant_gets_the_kind_page(db):
    user = factories.make_user(username="nobody")
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
