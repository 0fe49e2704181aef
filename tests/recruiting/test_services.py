"""Recruiting services enforce tenancy and versions themselves, whatever calls them."""

import pytest

from ats_milestones.errors import Conflict, InvalidInput
from audit.models import AuditAction
from recruiting import services
from recruiting.models import Application, Candidate, Requisition
from tenants.actors import Actor
from tenants.context import tenant_context
from tests import factories
from tests.support import audit_events, refreshed, rows

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None)


def test_requisition_create_refuses_another_tenants_department(tenant_a, tenant_b):
    with tenant_context(tenant_a), pytest.raises(InvalidInput) as refused:
        services.requisition_create(
            tenant_id=tenant_a.pk,
            actor=ACTOR,
            title="X",
            requisition_type=factories.make_requisition_type(tenant=tenant_a),
            department=factories.make_department(tenant=tenant_b),
        )
    assert "department" in refused.value.fields
    assert rows(Requisition) == []


def test_requisition_create_refuses_a_recruiter_from_another_tenant(tenant_a, tenant_b):
    outsider = factories.make_user()
    factories.make_membership(tenant=tenant_b, user=outsider)
    with tenant_context(tenant_a), pytest.raises(InvalidInput) as refused:
        services.requisition_create(
            tenant_id=tenant_a.pk,
            actor=ACTOR,
            title="X",
            requisition_type=factories.make_requisition_type(tenant=tenant_a),
            department=factories.make_department(tenant=tenant_a),
            recruiter=outsider,
        )
    assert "recruiter" in refused.value.fields


def test_application_create_refuses_a_candidate_of_another_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_a), pytest.raises(InvalidInput):
        services.application_create(
            tenant_id=tenant_a.pk,
            actor=ACTOR,
            candidate=factories.make_candidate(tenant=tenant_b),
            requisition=factories.make_requisition(tenant=tenant_a),
        )


def test_application_update_with_stale_version_changes_nothing(tenant_a):
    application = factories.make_application(tenant=tenant_a, version=5)
    with tenant_context(tenant_a), pytest.raises(Conflict) as conflict:
        services.application_update(
            application=application,
            actor=ACTOR,
            changes={"status": "hired"},
            expected_version=4,
        )
    assert conflict.value.code == "STALE_VERSION"
    assert refreshed(application).status == "active"
    assert audit_events(action=AuditAction.UPDATED) == []


def test_application_update_that_changes_nothing_keeps_the_version(tenant_a):
    application = factories.make_application(tenant=tenant_a, status="active")
    with tenant_context(tenant_a):
        updated = services.application_update(
            application=application, actor=ACTOR, changes={"status": "active"}
        )
    assert updated.version == 1
    assert audit_events(action=AuditAction.UPDATED) == []


def test_update_audit_names_the_acting_api_client(tenant_a):
    client, _ = factories.make_api_client(tenant=tenant_a)
    candidate = factories.make_candidate(tenant=tenant_a)
    with tenant_context(tenant_a):
        services.candidate_update(
            candidate=candidate,
            actor=Actor(api_client_id=client.pk),
            changes={"phone": "+49 30 1234"},
        )
    (event,) = audit_events(action=AuditAction.UPDATED, object_id=str(candidate.pk))
    assert event.actor_api_client_id == client.pk and event.data == {"fields": ["phone"]}


def test_a_duplicate_pair_that_slips_past_the_check_still_answers_409(tenant_a):
    """The unique index is the last word when two requests race past the exists() check."""
    first = factories.make_application(tenant=tenant_a)
    twin = Application(
        tenant_id=tenant_a.pk, candidate=first.candidate, requisition=first.requisition
    )
    with tenant_context(tenant_a), pytest.raises(Conflict) as conflict:
        services._save(twin)
    assert conflict.value.code == "APPLICATION_EXISTS"


def test_a_duplicate_external_id_that_slips_past_the_check_still_answers_409(tenant_a):
    factories.make_candidate(tenant=tenant_a, external_id="C-1")
    twin = Candidate(tenant_id=tenant_a.pk, first_name="A", last_name="B", external_id="C-1")
    with tenant_context(tenant_a), pytest.raises(Conflict) as conflict:
        services._save(twin)
    assert conflict.value.code == "DUPLICATE_EXTERNAL_ID"
