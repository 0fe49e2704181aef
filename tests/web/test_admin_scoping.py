"""The Django admin shows a tenant admin only their own tenant's recruiting rows."""

import pytest
from django.test import Client

from tenants.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _staff_client(*, tenant, role):
    user = factories.make_user(is_staff=True)
    factories.make_membership(tenant=tenant, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_tenant_admin_sees_only_their_tenant_s_requisitions(tenant_a, tenant_b):
    factories.make_requisition(tenant=tenant_a, title="Acme welder")
    factories.make_requisition(tenant=tenant_b, title="Globex chemist")
    client = _staff_client(tenant=tenant_a, role=Role.ADMIN)

    response = client.get("/admin/recruiting/requisition/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Acme welder" in body
    assert "Globex chemist" not in body


def test_tenant_admin_cannot_open_another_tenant_s_requisition(tenant_a, tenant_b):
    theirs = factories.make_requisition(tenant=tenant_b, title="Globex chemist")
    client = _staff_client(tenant=tenant_a, role=Role.ADMIN)

    response = client.get(f"/admin/recruiting/requisition/{theirs.pk}/change/", follow=True)

    assert "Globex chemist" not in response.content.decode()
    assert response.redirect_chain[-1][0] == "/admin/"


def test_staff_recruiter_who_is_not_a_tenant_admin_is_refused(tenant_a):
    client = _staff_client(tenant=tenant_a, role=Role.RECRUITER)
    assert client.get("/admin/recruiting/requisition/").status_code == 403


def test_tenant_admin_sees_the_admin_link_in_the_page_header(tenant_a):
    client = _staff_client(tenant=tenant_a, role=Role.ADMIN)
    assert ">Admin<" in client.get("/requisitions/").content.decode()


def test_tenant_admin_sees_only_their_tenant_s_candidates_and_applications(tenant_a, tenant_b):
    factories.make_application(
        tenant=tenant_a, candidate=factories.make_candidate(tenant=tenant_a, last_name="Ours")
    )
    factories.make_application(
        tenant=tenant_b, candidate=factories.make_candidate(tenant=tenant_b, last_name="Theirs")
    )
    client = _staff_client(tenant=tenant_a, role=Role.ADMIN)

    for path in ["/admin/recruiting/candidate/", "/admin/recruiting/application/"]:
        body = client.get(path).content.decode()
        assert "Ours" in body
        assert "Theirs" not in body


def test_requisition_form_offers_only_the_tenant_s_members_as_recruiter(tenant_a, tenant_b):
    ours = factories.make_user(username="our-recruiter")
    factories.make_membership(tenant=tenant_a, user=ours)
    theirs = factories.make_user(username="their-recruiter")
    factories.make_membership(tenant=tenant_b, user=theirs)
    client = _staff_client(tenant=tenant_a, role=Role.ADMIN)

    body = client.get("/admin/recruiting/requisition/add/").content.decode()

    assert ">our-recruiter</option>" in body
    assert "their-recruiter" not in body


def test_tenant_admin_reads_the_history_of_their_requisition(tenant_a):
    requisition = factories.make_requisition(tenant=tenant_a, title="Acme welder")
    client = _staff_client(tenant=tenant_a, role=Role.ADMIN)

    response = client.get(f"/admin/recruiting/requisition/{requisition.pk}/history/")

    assert response.status_code == 200
    assert "Acme welder" in response.content.decode()
