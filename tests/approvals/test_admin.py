"""The admin shows the tenant's approvals and changes nothing (writes go through services)."""

import pytest

from tests import factories
from tests.approvals.factories import make_approval_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_a(client, tenant_a):
    user = factories.make_user(is_staff=True)
    factories.make_membership(tenant=tenant_a, user=user, role="admin")
    client.force_login(user)
    return client


def test_the_admin_lists_approvals_read_only(admin_client_a, tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    for model in ("approvalpolicy", "approvalround", "approvalassignment", "offer"):
        assert admin_client_a.get(f"/admin/approvals/{model}/").status_code == 200, model
    change = f"/admin/approvals/approvalround/{round_.pk}/change/"
    assert admin_client_a.get(change).status_code == 200
    assert admin_client_a.post(change, {"status": "approved"}).status_code == 403
    assert admin_client_a.get("/admin/approvals/approvalpolicy/add/").status_code == 403
