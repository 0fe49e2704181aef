"""The application list: every application of the tenant, filtered and paginated."""

import pytest

from recruiting.models import ApplicationStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _candidates(response) -> set[str]:
    return {a.candidate.full_name for a in response.context["page_obj"].object_list}


def test_list_shows_only_the_tenant_s_applications(client_a, tenant_a, tenant_b):
    factories.make_application(
        tenant=tenant_a, candidate=factories.make_candidate(tenant=tenant_a, last_name="Ours")
    )
    factories.make_application(
        tenant=tenant_b, candidate=factories.make_candidate(tenant=tenant_b, last_name="Theirs")
    )

    response = client_a.get("/applications/")

    assert _candidates(response) == {"Ada Ours"}
    assert "Theirs" not in response.content.decode()


def test_list_filters_by_status_and_requisition(client_a, tenant_a):
    first = factories.make_requisition(tenant=tenant_a)
    second = factories.make_requisition(tenant=tenant_a)
    for last_name, requisition, status in [
        ("One", first, ApplicationStatus.ACTIVE),
        ("Two", first, ApplicationStatus.HIRED),
        ("Three", second, ApplicationStatus.ACTIVE),
    ]:
        factories.make_application(
            tenant=tenant_a,
            requisition=requisition,
            candidate=factories.make_candidate(tenant=tenant_a, last_name=last_name),
            status=status,
        )

    assert _candidates(client_a.get("/applications/?status=hired")) == {"Ada Two"}
    assert _candidates(client_a.get(f"/applications/?requisition={first.pk}")) == {
        "Ada One",
        "Ada Two",
    }
    assert _candidates(client_a.get(f"/applications/?requisition={second.pk}&status=active")) == {
        "Ada Three"
    }


def test_another_tenant_s_requisition_is_not_a_valid_filter(client_a, tenant_b):
    theirs = factories.make_requisition(tenant=tenant_b)
    factories.make_application(tenant=tenant_b, requisition=theirs)

    response = client_a.get(f"/applications/?requisition={theirs.pk}")

    assert response.context["form"].errors["requisition"]
    assert _candidates(response) == set()


def test_list_is_paginated(client_a, tenant_a):
    requisition = factories.make_requisition(tenant=tenant_a)
    for _ in range(52):
        factories.make_application(tenant=tenant_a, requisition=requisition)

    assert len(client_a.get("/applications/").context["page_obj"].object_list) == 50
    assert len(client_a.get("/applications/?page=2").context["page_obj"].object_list) == 2


def test_list_with_no_applications_shows_an_empty_state(client_a):
    body = client_a.get("/applications/").content.decode()
    assert "No applications yet" in body
