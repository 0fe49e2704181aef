"""A user works in one tenant at a time and may switch only among their own tenants."""

import pytest

from audit.models import AuditAction, AuditEvent
from tenants.context import all_tenants_context
from tenants.middleware import SESSION_TENANT_KEY
from tests import factories

pytestmark = pytest.mark.django_db


def _audit_events(action):
    with all_tenants_context():
        return list(AuditEvent.all_tenants.filter(action=action))


def test_switcher_page_lists_every_tenant_of_the_user(client_ab):
    response = client_ab.get("/tenants/switch/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Acme Corp" in body and "Globex Inc" in body


def test_header_offers_the_switcher_to_a_user_of_several_tenants(client_ab):
    body = client_ab.get("/requisitions/").content.decode()
    assert 'data-testid="tenant-switcher"' in body


def test_switching_to_a_tenant_of_the_user_changes_what_pages_show(client_ab, tenant_a, tenant_b):
    factories.make_requisition(tenant=tenant_a, title="Acme welder")
    factories.make_requisition(tenant=tenant_b, title="Globex chemist")
    assert "Acme welder" in client_ab.get("/requisitions/").content.decode()

    response = client_ab.post("/tenants/switch/", {"tenant_id": str(tenant_b.pk)})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client_ab.session[SESSION_TENANT_KEY] == str(tenant_b.pk)
    body = client_ab.get("/requisitions/").content.decode()
    assert "Globex chemist" in body
    assert "Acme welder" not in body


def test_switching_is_audited_in_the_tenant_switched_to(
    client_ab, recruiter_ab, tenant_a, tenant_b
):
    client_ab.get("/requisitions/")  # the session settles on tenant A first
    client_ab.post("/tenants/switch/", {"tenant_id": str(tenant_b.pk)})

    [event] = _audit_events(AuditAction.TENANT_SWITCHED)
    assert event.tenant_id == tenant_b.pk
    assert event.actor_user_id == recruiter_ab.pk
    assert event.data == {"from_tenant_id": str(tenant_a.pk)}


def test_switching_to_a_tenant_the_user_is_not_in_answers_404(client_a, tenant_a, tenant_b):
    client_a.get("/requisitions/")

    response = client_a.post("/tenants/switch/", {"tenant_id": str(tenant_b.pk)})

    assert response.status_code == 404
    assert client_a.session[SESSION_TENANT_KEY] == str(tenant_a.pk)
    assert _audit_events(AuditAction.TENANT_SWITCHED) == []


def test_switching_to_an_inactive_membership_answers_404(recruiter_ab, tenant_b):
    from django.test import Client

    from tenants.models import Membership

    with all_tenants_context():
        Membership.all_tenants.filter(user=recruiter_ab, tenant=tenant_b).update(is_active=False)
    client = Client()
    client.force_login(recruiter_ab)
    assert client.post("/tenants/switch/", {"tenant_id": str(tenant_b.pk)}).status_code == 404


@pytest.mark.parametrize("bad_id", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_switching_to_a_malformed_or_unknown_id_answers_404(client_a, bad_id):
    assert client_a.post("/tenants/switch/", {"tenant_id": bad_id}).status_code == 404


def test_user_with_no_membership_sees_the_no_tenant_page(db):
    from django.test import Client

    client = Client()
    client.force_login(factories.make_user(username="loner"))
    for path in ["/requisitions/", "/applications/", "/tenants/switch/"]:
        response = client.get(path)
        assert response.status_code == 200
        assert 'data-testid="no-tenant"' in response.content.decode()
