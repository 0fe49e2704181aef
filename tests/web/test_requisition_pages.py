"""The requisition list and detail pages: one tenant's rows, filters, and a constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditAction, AuditEvent
from recruiting.models import ApplicationStatus, RequisitionStatus
from tenants.context import all_tenants_context
from tests import factories

pytestmark = pytest.mark.django_db


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_list_shows_only_the_tenant_s_requisitions(client_a, tenant_a, tenant_b):
    factories.make_requisition(tenant=tenant_a, title="Acme welder")
    factories.make_requisition(tenant=tenant_b, title="Globex chemist")

    body = client_a.get("/requisitions/").content.decode()

    assert "Acme welder" in body
    assert "Globex chemist" not in body


def test_list_shows_the_count_of_active_applications(client_a, tenant_a):
    requisition = factories.make_requisition(tenant=tenant_a)
    factories.make_application(tenant=tenant_a, requisition=requisition)
    factories.make_application(tenant=tenant_a, requisition=requisition)
    factories.make_application(
        tenant=tenant_a, requisition=requisition, status=ApplicationStatus.REJECTED
    )

    response = client_a.get("/requisitions/")

    [row] = response.context["page_obj"].object_list
    assert row.active_application_count == 2


def test_list_filters_by_status_department_and_title(client_a, tenant_a):
    engineering = factories.make_department(tenant=tenant_a, name="Engineering")
    sales = factories.make_department(tenant=tenant_a, name="Sales")
    factories.make_requisition(tenant=tenant_a, title="Backend engineer", department=engineering)
    factories.make_requisition(
        tenant=tenant_a,
        title="Frontend engineer",
        department=engineering,
        status=RequisitionStatus.ON_HOLD,
    )
    factories.make_requisition(tenant=tenant_a, title="Account executive", department=sales)

    def titles(query: str) -> set[str]:
        page = client_a.get(f"/requisitions/?{query}").context["page_obj"]
        return {r.title for r in page.object_list}

    assert titles("status=on_hold") == {"Frontend engineer"}
    assert titles(f"department={engineering.pk}") == {"Backend engineer", "Frontend engineer"}
    assert titles("q=ENGINEER&status=open") == {"Backend engineer"}


def test_an_unknown_filter_value_is_reported_not_silently_ignored(client_a, tenant_a):
    factories.make_requisition(tenant=tenant_a, title="Backend engineer")

    response = client_a.get("/requisitions/?status=bogus")

    assert response.status_code == 200
    assert response.context["form"].errors["status"]
    assert 'role="alert"' in response.content.decode()


def test_another_tenant_s_department_is_not_a_valid_filter(client_a, tenant_b):
    theirs = factories.make_department(tenant=tenant_b)

    response = client_a.get(f"/requisitions/?department={theirs.pk}")

    assert response.context["form"].errors["department"]


def test_list_is_paginated_and_keeps_the_filters_in_page_links(client_a, tenant_a):
    department = factories.make_department(tenant=tenant_a)
    for n in range(51):
        factories.make_requisition(tenant=tenant_a, title=f"Role {n}", department=department)

    first = client_a.get(f"/requisitions/?department={department.pk}")
    second = client_a.get(f"/requisitions/?department={department.pk}&page=2")

    assert len(first.context["page_obj"].object_list) == 50
    assert len(second.context["page_obj"].object_list) == 1
    assert f"?department={department.pk}&amp;page=2" in first.content.decode()


def test_list_with_no_requisitions_shows_an_empty_state(client_a):
    body = client_a.get("/requisitions/").content.decode()
    assert 'data-testid="empty-state"' in body
    assert "No requisitions yet" in body


def test_list_with_filters_matching_nothing_says_so(client_a, tenant_a):
    factories.make_requisition(tenant=tenant_a, title="Backend engineer")
    body = client_a.get("/requisitions/?q=astronaut").content.decode()
    assert "No requisitions match these filters" in body


# Session, user, membership and the tenant settings (5), the header's tenant switcher (3),
# and the page's own reads (4 or 5, with the recruiter filter's choices): a budget that
# must not depend on the number of rows.
QUERY_BUDGET = 13


def test_list_query_count_does_not_grow_with_the_rows(
    client_a, tenant_a, django_assert_max_num_queries
):
    def add_requisitions(count: int) -> None:
        for _ in range(count):
            requisition = factories.make_requisition(
                tenant=tenant_a, recruiter=factories.make_user()
            )
            factories.make_application(tenant=tenant_a, requisition=requisition)

    add_requisitions(3)
    client_a.get("/requisitions/")  # settle the session's tenant
    with_three = _count_queries(client_a, "/requisitions/")
    add_requisitions(27)
    with django_assert_max_num_queries(QUERY_BUDGET):
        with_thirty = _count_queries(client_a, "/requisitions/")

    assert with_three == with_thirty


def test_detail_shows_fields_and_the_applications(client_a, tenant_a):
    manager = factories.make_user(username="hiro", first_name="Hiro", last_name="Tanaka")
    requisition = factories.make_requisition(
        tenant=tenant_a, title="Data engineer", hiring_manager=manager
    )
    candidate = factories.make_candidate(tenant=tenant_a, first_name="Grace", last_name="Hopper")
    factories.make_application(
        tenant=tenant_a, requisition=requisition, candidate=candidate, source="referral"
    )

    response = client_a.get(f"/requisitions/{requisition.pk}/")
    body = response.content.decode()

    assert response.status_code == 200
    assert "Data engineer" in body
    assert "Hiro Tanaka" in body
    assert "Grace Hopper" in body
    assert "Referral" in body
    assert requisition.department.name in body


def test_detail_with_no_applications_shows_an_empty_state(client_a, tenant_a):
    requisition = factories.make_requisition(tenant=tenant_a)
    body = client_a.get(f"/requisitions/{requisition.pk}/").content.decode()
    assert "No applications yet" in body


def test_another_tenant_s_requisition_answers_404_and_is_audited(
    client_a, recruiter_a, tenant_a, tenant_b
):
    theirs = factories.make_requisition(tenant=tenant_b, title="Globex chemist")

    response = client_a.get(f"/requisitions/{theirs.pk}/")

    assert response.status_code == 404
    assert 'data-testid="not-found"' in response.content.decode()
    assert "Globex chemist" not in response.content.decode()
    with all_tenants_context():
        [event] = AuditEvent.all_tenants.filter(action=AuditAction.ACCESS_DENIED)
    assert event.tenant_id == tenant_a.pk
    assert event.actor_user_id == recruiter_a.pk
    assert event.object_id == str(theirs.pk)
    assert event.data["exists_in_other_tenant"] is True


def test_malformed_requisition_id_answers_404(client_a):
    assert client_a.get("/requisitions/not-a-uuid/").status_code == 404


def test_detail_query_count_does_not_grow_with_the_applications(
    client_a, tenant_a, django_assert_max_num_queries
):
    requisition = factories.make_requisition(
        tenant=tenant_a, recruiter=factories.make_user(), hiring_manager=factories.make_user()
    )

    def add_applications(count: int) -> None:
        for _ in range(count):
            factories.make_application(tenant=tenant_a, requisition=requisition)

    path = f"/requisitions/{requisition.pk}/"
    add_applications(3)
    client_a.get(path)
    with_three = _count_queries(client_a, path)
    add_applications(27)
    with django_assert_max_num_queries(QUERY_BUDGET):
        with_thirty = _count_queries(client_a, path)

    assert with_three == with_thirty
