"""A role or permission change made in the admin is on the audit trail, before and after."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEvent
from tenants.context import all_tenants_context
from tenants.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _admin_client(tenant):
    user = factories.make_user(is_staff=True)
    factories.make_membership(tenant=tenant, user=user, role=Role.ADMIN)
    client = Client()
    client.force_login(user)
    return user, client


def _events(tenant, action):
    with all_tenants_context():
        return list(AuditEvent.all_tenants.filter(tenant=tenant, action=action).order_by("seq"))


def _form(membership, **changes):
    data = {
        "user": membership.user_id,
        "role": membership.role,
        "is_active": "on" if membership.is_active else "",
        "membershipdepartment_set-TOTAL_FORMS": "0",
        "membershipdepartment_set-INITIAL_FORMS": "0",
        "membershipdepartment_set-MIN_NUM_FORMS": "0",
        "membershipdepartment_set-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_role_change_in_the_admin_is_audited_with_before_and_after(tenant_a):
    admin_user, client = _admin_client(tenant_a)
    member = factories.make_membership(tenant=tenant_a, role=Role.AUDITOR)
    response = client.post(
        f"/admin/tenants/membership/{member.pk}/change/", _form(member, role=Role.RECRUITER)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = _events(tenant_a, "membership.changed")
    assert event.data["changes"] == {"role": ["auditor", "recruiter"]}
    assert event.data["user_id"] == member.user_id
    assert event.actor_user_id == admin_user.pk


def test_saving_without_a_change_records_nothing(tenant_a):
    _, client = _admin_client(tenant_a)
    member = factories.make_membership(tenant=tenant_a, role=Role.AUDITOR)
    client.post(f"/admin/tenants/membership/{member.pk}/change/", _form(member))
    assert _events(tenant_a, "membership.changed") == []


def test_removing_a_membership_is_audited(tenant_a):
    _, client = _admin_client(tenant_a)
    member = factories.make_membership(tenant=tenant_a, role=Role.HRBP)
    response = client.post(f"/admin/tenants/membership/{member.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    [event] = _events(tenant_a, "membership.removed")
    assert event.data["changes"]["role"] == ["hrbp", None]
