"""The admin shows the tenant's milestone configuration and keeps published versions frozen."""

from __future__ import annotations

import pytest

from milestones.models import MilestoneDefinition, VersionStatus
from tenants.context import all_tenants_context
from tests import factories

from .factories import make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_a(client, tenant_a):
    user = factories.make_user(is_staff=True)
    factories.make_membership(tenant=tenant_a, user=user, role="admin")
    client.force_login(user)
    return client


def test_admin_lists_frameworks_versions_and_progress(admin_client_a, tenant_a):
    make_version(tenant=tenant_a)
    for model in ("framework", "frameworkversion", "milestonedefinition", "milestonetransition"):
        assert admin_client_a.get(f"/admin/milestones/{model}/").status_code == 200, model


def test_a_published_milestone_cannot_be_changed_in_the_admin(admin_client_a, tenant_a):
    published = make_version(tenant=tenant_a, codes=("APPLIED",))
    draft = make_version(tenant=tenant_a, status=VersionStatus.DRAFT, codes=("SCREEN",))
    with all_tenants_context():
        frozen = MilestoneDefinition.all_tenants.get(version=published)
        editable = MilestoneDefinition.all_tenants.get(version=draft)
    url = "/admin/milestones/milestonedefinition/{}/change/"
    response = admin_client_a.post(url.format(frozen.pk), {"name": "Changed"})
    assert response.status_code == 403
    assert admin_client_a.get(url.format(editable.pk)).status_code == 200
