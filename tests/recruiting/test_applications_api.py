"""Applications over the API: one per candidate and requisition, versions, ETag/If-Match."""

import pytest
from django.urls import reverse

from audit.models import AuditAction
from recruiting.models import Application
from tests import factories
from tests.milestones.factories import make_version
from tests.support import assert_error, audit_events, refreshed, rows

pytestmark = pytest.mark.django_db

LIST = reverse("applications-list")


def detail(pk) -> str:
    return reverse("applications-detail", kwargs={"pk": pk})


@pytest.fixture
def pair_a(tenant_a):
    """A candidate and a requisition pinned to an active framework version."""
    version = make_version(tenant=tenant_a)
    requisition = factories.make_requisition(tenant=tenant_a, framework_version=version)
    return factories.make_candidate(tenant=tenant_a), requisition


def test_created_application_enters_the_workflow_and_can_move(api_a, tenant_a, pair_a):
    candidate, requisition = pair_a
    created = api_a.post(
        LIST,
        {"candidate": str(candidate.pk), "requisition": str(requisition.pk)},
        format="json",
    )
    assert created.status_code == 201, created.content
    application_id = created.json()["id"]
    milestones = api_a.get(reverse("application-milestones", kwargs={"pk": application_id}))
    assert [(m["code"], m["state"]) for m in milestones.json()][:2] == [
        ("APPLIED", "active"),
        ("SCREEN", "pending"),
    ]
    etag = api_a.get(detail(application_id))["ETag"]
    moved = api_a.post(
        reverse("application-transitions", kwargs={"pk": application_id}),
        {"action": "advance"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert moved.status_code == 201, moved.content
    assert moved.json()["to_code"] == "SCREEN"


def test_application_on_a_requisition_no_version_applies_to_is_refused_naming_it(api_a, tenant_a):
    candidate = factories.make_candidate(tenant=tenant_a)
    requisition = factories.make_requisition(tenant=tenant_a)  # no framework anywhere
    before = rows(Application)
    response = api_a.post(
        LIST,
        {"candidate": str(candidate.pk), "requisition": str(requisition.pk)},
        format="json",
    )
    assert_error(response, 422, "NO_FRAMEWORK_VERSION", field="requisition")
    assert rows(Application) == before


def test_create_application_links_candidate_and_requisition(api_a, tenant_a, pair_a):
    candidate, requisition = pair_a
    response = api_a.post(
        LIST,
        {"candidate": str(candidate.pk), "requisition": str(requisition.pk), "source": "referral"},
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["candidate"] == str(candidate.pk)
    assert data["source"] == "referral" and data["version"] == 1
    assert response["ETag"] == '"1"'
    assert len(audit_events(object_id=data["id"], action=AuditAction.CREATED)) == 1


def test_second_application_for_the_same_pair_is_409_with_code(api_a, tenant_a, pair_a):
    candidate, requisition = pair_a
    factories.make_application(tenant=tenant_a, candidate=candidate, requisition=requisition)
    response = api_a.post(
        LIST, {"candidate": str(candidate.pk), "requisition": str(requisition.pk)}, format="json"
    )
    assert_error(response, 409, "APPLICATION_EXISTS", "candidate")
    assert len(rows(Application)) == 1


@pytest.mark.parametrize("field", ["candidate", "requisition"])
def test_reference_to_another_tenants_row_is_400_and_writes_nothing(api_a, tenant_b, pair_a, field):
    candidate, requisition = pair_a
    payload = {"candidate": str(candidate.pk), "requisition": str(requisition.pk)}
    foreign = (
        factories.make_candidate(tenant=tenant_b)
        if field == "candidate"
        else factories.make_requisition(tenant=tenant_b)
    )
    payload[field] = str(foreign.pk)
    assert_error(api_a.post(LIST, payload, format="json"), 400, "VALIDATION_ERROR", field)
    assert rows(Application) == []


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"source": "carrier_pigeon"}, "source"),
        ({"hire_type": 3}, "hire_type"),
        ({"reject_reason": "r" * 201}, "reject_reason"),
        ({"applied_at": "2026-13-45"}, "applied_at"),
        ({"version": 7}, "version"),
    ],
)
def test_bad_application_input_is_400_naming_the_field(api_a, pair_a, extra, field):
    candidate, requisition = pair_a
    payload = {"candidate": str(candidate.pk), "requisition": str(requisition.pk), **extra}
    assert_error(api_a.post(LIST, payload, format="json"), 400, "VALIDATION_ERROR", field)
    assert rows(Application) == []


def test_retrieve_returns_the_version_as_etag(api_a, tenant_a):
    application = factories.make_application(tenant=tenant_a, version=4)
    response = api_a.get(detail(application.pk))
    assert response.status_code == 200
    assert response["ETag"] == '"4"' and response.json()["version"] == 4


def test_each_update_bumps_the_version(api_a, tenant_a):
    application = factories.make_application(tenant=tenant_a)
    first = api_a.patch(detail(application.pk), {"hire_type": "urgent"}, format="json")
    second = api_a.patch(detail(application.pk), {"status": "rejected"}, format="json")
    assert (first.json()["version"], second.json()["version"]) == (2, 3)
    assert second["ETag"] == '"3"'
    assert refreshed(application).version == 3


def test_patch_with_current_if_match_succeeds(api_a, tenant_a):
    application = factories.make_application(tenant=tenant_a)
    etag = api_a.get(detail(application.pk))["ETag"]
    response = api_a.patch(
        detail(application.pk), {"status": "withdrawn"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content
    assert refreshed(application).status == "withdrawn"


@pytest.mark.parametrize("method", ["patch", "put"])
def test_write_with_stale_if_match_is_409_and_changes_nothing(api_a, tenant_a, method):
    application = factories.make_application(tenant=tenant_a, version=3, status="active")
    response = getattr(api_a, method)(
        detail(application.pk), {"status": "hired"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert_error(response, 409, "STALE_VERSION", "If-Match")
    row = refreshed(application)
    assert (row.status, row.version) == ("active", 3)


def test_malformed_if_match_is_400_naming_the_header(api_a, tenant_a):
    application = factories.make_application(tenant=tenant_a)
    response = api_a.patch(
        detail(application.pk), {"status": "hired"}, format="json", HTTP_IF_MATCH="yesterday"
    )
    assert_error(response, 400, "INVALID_INPUT", "If-Match")


def test_candidate_cannot_be_changed_after_applying(api_a, tenant_a):
    application = factories.make_application(tenant=tenant_a)
    other = factories.make_candidate(tenant=tenant_a)
    response = api_a.patch(detail(application.pk), {"candidate": str(other.pk)}, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", "candidate")
    assert refreshed(application).candidate_id == application.candidate_id


def test_another_tenants_application_is_404_even_with_if_match(api_a, tenant_b):
    theirs = factories.make_application(tenant=tenant_b)
    assert_error(api_a.get(detail(theirs.pk)), 404)
    response = api_a.patch(
        detail(theirs.pk), {"status": "hired"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert_error(response, 404, "NOT_FOUND")
    assert refreshed(theirs).status == "active"
