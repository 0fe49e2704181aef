"""A confidential requisition is seen only by its team (recruiter, hiring manager, people
granted `view_requisition`) and by roles with `view_confidential` (admins, HRBPs of its
departments); for anyone else every page and API object under it is an audited 404. Admins
grant and revoke access on its page, each change on the audit trail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditAction
from recruiting.access import (
    CONFIDENTIALITY_CHANGED,
    PERMISSION_GRANTED,
    PERMISSION_REVOKED,
    requisition_access_grant,
)
from tenants.actors import Actor
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.milestones.factories import make_tracked_application
from tests.support import assert_error, audit_events, refreshed, signed_in

pytestmark = pytest.mark.django_db


def _member(tenant, role=Role.RECRUITER):
    return factories.make_membership(tenant=tenant, role=role).user


@pytest.fixture
def secret(tenant_a):
    """A confidential requisition with one application, its recruiter and hiring manager."""
    recruiter, manager = _member(tenant_a), _member(tenant_a, Role.HIRING_MANAGER)
    application = make_tracked_application(tenant=tenant_a)
    with all_tenants_context():
        requisition = application.requisition
        requisition.is_confidential = True
        requisition.recruiter, requisition.hiring_manager = recruiter, manager
        requisition.title = "Chief Secret Officer"
        requisition.save()
    return application, recruiter, manager


URLS = [
    "/requisitions/{r}/",
    "/requisitions/{r}/board/",
    "/applications/{a}/",
    "/api/v1/requisitions/{r}",
    "/api/v1/requisitions/{r}/framework_version",
    "/api/v1/applications/{a}",
    "/api/v1/applications/{a}/milestones",
    "/api/v1/applications/{a}/transitions",
    "/api/v1/applications/{a}/deadlines",
    "/api/v1/candidates/{c}",
]


def _urls(application):
    return [
        url.format(r=application.requisition_id, a=application.pk, c=application.candidate_id)
        for url in URLS
    ]


@pytest.mark.parametrize("url", URLS)
def test_someone_off_the_team_gets_an_audited_404(url, tenant_a, secret):
    application, _, _ = secret
    outsider = _member(tenant_a)
    url = url.format(r=application.requisition_id, a=application.pk, c=application.candidate_id)
    assert signed_in(outsider).get(url).status_code == 404
    denied = audit_events(action=AuditAction.ACCESS_DENIED)
    assert [event.actor_user_id for event in denied] == [outsider.pk]


@pytest.mark.parametrize("who", ["recruiter", "hiring_manager", "admin", "hrbp", "granted"])
def test_its_team_and_permitted_roles_see_it_everywhere(who, tenant_a, secret):
    application, recruiter, manager = secret
    user = {
        "recruiter": recruiter,
        "hiring_manager": manager,
        "admin": _member(tenant_a, Role.ADMIN),
        "hrbp": _member(tenant_a, Role.HRBP),
        "granted": _member(tenant_a, Role.COORDINATOR),
    }[who]
    if who == "granted":
        with tenant_context(tenant_a.pk):
            requisition_access_grant(
                requisition=application.requisition,
                user_id=user.pk,
                actor=Actor(user_id=None),
            )
    client = signed_in(user)
    for url in _urls(application):
        assert client.get(url).status_code == 200, url
    listed = client.get("/requisitions/").content.decode()
    assert "Chief Secret Officer" in listed and "Confidential</span>" in listed


def test_lists_and_filters_leave_it_out_for_someone_off_the_team(tenant_a, secret):
    application, _, _ = secret
    client = signed_in(_member(tenant_a))
    for page in ("/requisitions/", "/applications/", "/applications/?q=Ada"):
        body = client.get(page).content.decode()
        assert "Chief Secret Officer" not in body, page  # nor in the requisition drop-down
        assert str(application.pk) not in body
    for api in ("requisitions", "applications", "candidates"):
        ids = [row["id"] for row in client.get(f"/api/v1/{api}").json()["results"]]
        assert not {
            str(application.requisition_id),
            str(application.pk),
            str(application.candidate_id),
        } & set(ids), api


def test_an_api_client_reads_the_whole_tenant(api_a, secret):
    application, _, _ = secret
    assert api_a.get(f"/api/v1/requisitions/{application.requisition_id}").status_code == 200
    body = api_a.get(f"/api/v1/requisitions/{application.requisition_id}").json()
    assert body["is_confidential"] is True


def test_an_hrbp_outside_its_department_does_not_see_it(tenant_a, secret):
    from tenants.models import MembershipDepartment

    application, _, _ = secret
    hrbp = factories.make_membership(tenant=tenant_a, role=Role.HRBP)
    elsewhere = factories.make_department(tenant=tenant_a)
    with all_tenants_context():
        MembershipDepartment.all_tenants.create(
            tenant=tenant_a, membership=hrbp, department=elsewhere
        )
    assert (
        signed_in(hrbp.user).get(f"/requisitions/{application.requisition_id}/").status_code == 404
    )


def test_an_admin_grants_and_revokes_access_on_its_page(tenant_a, secret):
    application, _, _ = secret
    admin, outsider = _member(tenant_a, Role.ADMIN), _member(tenant_a)
    page = f"/requisitions/{application.requisition_id}/"
    access = f"{page}access/"
    admin_client, outsider_client = signed_in(admin), signed_in(outsider)
    assert 'data-testid="grant-form"' in admin_client.get(page).content.decode()

    response = admin_client.post(access, {"change": "grant", "user": outsider.pk})
    assert response.status_code == 303
    assert outsider_client.get(page).status_code == 200
    granted = audit_events(action=PERMISSION_GRANTED)
    assert [(e.actor_user_id, e.object_id, e.data["user_id"]) for e in granted] == [
        (admin.pk, str(application.requisition_id), outsider.pk)
    ]

    admin_client.post(access, {"change": "revoke", "user": outsider.pk})
    assert outsider_client.get(page).status_code == 404
    assert len(audit_events(action=PERMISSION_REVOKED)) == 1

    admin_client.post(access, {"change": "confidential"})  # unticked: no longer confidential
    assert refreshed(application.requisition).is_confidential is False
    assert outsider_client.get(page).status_code == 200
    changed = audit_events(action=CONFIDENTIALITY_CHANGED)
    assert changed[0].data == {"is_confidential": [True, False]}


def test_only_an_admin_sees_the_access_box_and_may_post_to_it(tenant_a, secret):
    application, recruiter, _ = secret
    client = signed_in(recruiter)
    page = f"/requisitions/{application.requisition_id}/"
    assert "grant-form" not in client.get(page).content.decode()
    response = client.post(f"{page}access/", {"change": "grant", "user": recruiter.pk})
    assert response.status_code == 403
    assert "may not grant or revoke access" in response.content.decode()


def test_granting_to_someone_outside_the_tenant_changes_nothing(tenant_a, tenant_b, secret):
    application, _, _ = secret
    stranger = _member(tenant_b)
    admin_client = signed_in(_member(tenant_a, Role.ADMIN))
    page = f"/requisitions/{application.requisition_id}/"
    response = admin_client.post(f"{page}access/", {"change": "grant", "user": stranger.pk})
    assert response.status_code == 303
    assert audit_events(action=PERMISSION_GRANTED) == []


def test_marking_it_confidential_over_the_api_needs_manage_access(tenant_a, secret):
    application, recruiter, _ = secret
    client = signed_in(recruiter)
    url = f"/api/v1/requisitions/{application.requisition_id}"
    response = client.patch(url, {"is_confidential": False}, content_type="application/json")
    assert_error(response, 403, "PERMISSION_DENIED", "capability")
    admin = signed_in(_member(tenant_a, Role.ADMIN))
    response = admin.patch(url, {"is_confidential": False}, content_type="application/json")
    assert response.status_code == 200 and response.json()["is_confidential"] is False


def test_the_list_costs_the_same_with_many_granted_requisitions(
    tenant_a, django_assert_num_queries
):
    user = _member(tenant_a)
    client = signed_in(user)

    def grant(n):
        for _ in range(n):
            requisition = factories.make_requisition(tenant=tenant_a, is_confidential=True)
            with tenant_context(tenant_a.pk):
                requisition_access_grant(requisition=requisition, user_id=user.pk, actor=Actor())

    grant(1)
    client.get("/api/v1/requisitions")  # warm the session and content types
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/requisitions").json()["results"]) == 1
    grant(4)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/v1/requisitions").json()["results"]) == 5


def test_applying_to_it_over_the_api_off_the_team_is_a_400_naming_it(tenant_a, secret):
    application, recruiter, _ = secret
    body = {
        "candidate": str(factories.make_candidate(tenant=tenant_a).pk),
        "requisition": str(application.requisition_id),
    }
    outsider = signed_in(_member(tenant_a))
    response = outsider.post("/api/v1/applications", body, content_type="application/json")
    assert_error(response, 400, field="requisition")
    response = signed_in(recruiter).post(
        "/api/v1/applications", body, content_type="application/json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize("page", ["/requisitions/", "/applications/"])
def test_the_list_pages_cost_the_same_with_many_granted_requisitions(
    page, tenant_a, django_assert_num_queries
):
    user = _member(tenant_a)
    client = signed_in(user)

    def grant(n):
        for _ in range(n):
            application = factories.make_application(tenant=tenant_a)
            with all_tenants_context():
                application.requisition.is_confidential = True
                application.requisition.save()
            with tenant_context(tenant_a.pk):
                requisition_access_grant(
                    requisition=application.requisition, user_id=user.pk, actor=Actor()
                )

    grant(1)
    client.get(page)
    with CaptureQueriesContext(connection) as one:
        assert client.get(page).status_code == 200
    grant(4)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(page)
    assert response.context["page_obj"].paginator.count == 5
