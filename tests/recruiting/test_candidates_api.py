"""Candidates over the API: CRUD, strict input, tenant boundary."""

import pytest
from django.urls import reverse

from audit.models import AuditAction
from recruiting.models import Candidate
from tests import factories
from tests.support import assert_error, audit_events, refreshed, rows

pytestmark = pytest.mark.django_db

LIST = reverse("candidates-list")


def detail(pk) -> str:
    return reverse("candidates-detail", kwargs={"pk": pk})


def test_create_candidate_and_read_it_back(api_a, tenant_a):
    response = api_a.post(
        LIST,
        {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    fetched = api_a.get(detail(created["id"])).json()
    assert fetched == created
    assert rows(Candidate, pk=created["id"])[0].tenant_id == tenant_a.pk


def test_audit_event_of_a_candidate_names_fields_not_personal_data(api_a):
    response = api_a.post(
        LIST,
        {"first_name": "Grace", "last_name": "Hopper", "email": "g@example.com"},
        format="json",
    )
    (event,) = audit_events(object_id=response.json()["id"], action=AuditAction.CREATED)
    assert "Hopper" not in str(event.data) and "g@example.com" not in str(event.data)


def test_patch_then_put_update_the_candidate(api_a, tenant_a):
    candidate = factories.make_candidate(tenant=tenant_a, first_name="Ada")
    response = api_a.patch(detail(candidate.pk), {"phone": "+1 555 0100"}, format="json")
    assert response.status_code == 200 and response.json()["phone"] == "+1 555 0100"
    response = api_a.put(
        detail(candidate.pk), {"first_name": "Augusta", "last_name": "King"}, format="json"
    )
    assert response.status_code == 200, response.content
    row = refreshed(candidate)
    assert (row.first_name, row.last_name) == ("Augusta", "King")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"first_name": "A" * 101, "last_name": "B"}, "first_name"),
        ({"first_name": "A", "last_name": "B", "email": "not-an-email"}, "email"),
        ({"first_name": "A", "last_name": ["B"]}, "last_name"),
        ({"first_name": None, "last_name": "B"}, "first_name"),
        ({"last_name": "B"}, "first_name"),
        ({"first_name": "A", "last_name": "B", "tenant": "x"}, "tenant"),
        ({"first_name": "A", "last_name": "B", "id": "x"}, "id"),
    ],
)
def test_bad_candidate_input_is_400_naming_the_field(api_a, payload, field):
    assert_error(api_a.post(LIST, payload, format="json"), 400, "VALIDATION_ERROR", field)
    assert rows(Candidate) == []


def test_patch_with_only_unknown_fields_is_400(api_a, tenant_a):
    candidate = factories.make_candidate(tenant=tenant_a)
    response = api_a.patch(detail(candidate.pk), {"nickname": "x"}, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", "nickname")


def test_another_tenants_candidate_is_404_and_unchanged(api_a, tenant_b):
    theirs = factories.make_candidate(tenant=tenant_b, first_name="Secret")
    assert_error(api_a.get(detail(theirs.pk)), 404, "NOT_FOUND")
    assert_error(
        api_a.put(detail(theirs.pk), {"first_name": "X", "last_name": "Y"}, format="json"), 404
    )
    assert refreshed(theirs).first_name == "Secret"


def test_filter_by_email_and_external_id(api_a, tenant_a):
    target = factories.make_candidate(
        tenant=tenant_a, email="Find.Me@example.com", external_id="C1"
    )
    factories.make_candidate(tenant=tenant_a)
    by_email = api_a.get(LIST, {"email": "find.me@example.com"}).json()["results"]
    by_external = api_a.get(LIST, {"external_id": "C1"}).json()["results"]
    assert [c["id"] for c in by_email] == [str(target.pk)] == [c["id"] for c in by_external]
