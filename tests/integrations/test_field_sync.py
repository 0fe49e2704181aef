"""application.updated from a peer: per-field precedence (ats_owns, external_owns,
latest_wins by the source's own timestamp), conflicts both sides made, their resolution."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from integrations.models import FieldVersion, SyncConflict
from recruiting.services import candidate_update
from tenants.actors import Actor
from tenants.context import tenant_context
from tests import factories
from tests.support import assert_error, refreshed, rows

from .factories import application_updated, make_connection, signed_inbound

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer(tenant_a):
    return make_connection(tenant=tenant_a, url="http://127.0.0.1:9/hooks")


@pytest.fixture
def application(tenant_a):
    candidate = factories.make_candidate(tenant=tenant_a, email="ours@example.com", phone="1")
    return factories.make_application(tenant=tenant_a, candidate=candidate)


def _send(peer, application, fields, *, at):
    connection, secret = peer
    response = signed_inbound(
        Client(), connection, secret, application_updated(application, fields, updated_at=at)
    )
    assert response.status_code == 200, response.content
    return response.json()["result"]


def _we_change(tenant, application, **changes):
    """A recruiter edits the candidate (through the service a page or the API uses)."""
    with tenant_context(tenant):
        candidate_update(
            candidate=refreshed(application.candidate), actor=Actor(user_id=None), changes=changes
        )


def _set_rule(api, connection, **rules):
    response = api.put(
        f"/api/v1/connections/{connection.pk}/field_precedence",
        {"rules": {k.replace("__", "."): v for k, v in rules.items()}},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["rules"]


def test_latest_wins_is_the_default_and_takes_a_newer_change_of_theirs(peer, application, api_a):
    rules = api_a.get(f"/api/v1/connections/{peer[0].pk}/field_precedence").json()["rules"]
    assert set(rules.values()) == {"latest_wins"} and "candidate.email" in rules
    result = _send(peer, application, {"candidate.email": "theirs@example.com"}, at=timezone.now())
    assert result["fields"] == {"candidate.email": "applied"} and result["conflicts"] == []
    assert refreshed(application.candidate).email == "theirs@example.com"


def test_latest_wins_keeps_our_change_when_theirs_is_older(peer, application, tenant_a):
    before_ours = timezone.now() - timedelta(minutes=1)
    _we_change(tenant_a, application, email="edited@example.com")
    result = _send(peer, application, {"candidate.email": "theirs@example.com"}, at=before_ours)
    assert result["fields"] == {"candidate.email": "kept_ours"}
    assert refreshed(application.candidate).email == "edited@example.com"
    (conflict,) = rows(SyncConflict)
    assert (conflict.ours_value, conflict.theirs_value) == (
        "edited@example.com",
        "theirs@example.com",
    )
    assert (conflict.rule, conflict.applied, conflict.status) == ("latest_wins", "ours", "open")
    assert conflict.theirs_changed_at == before_ours


def test_both_sides_changing_records_a_conflict_with_both_values_and_times(
    peer, application, tenant_a
):
    _we_change(tenant_a, application, phone="555-ours")
    later = timezone.now() + timedelta(seconds=1)
    result = _send(peer, application, {"candidate.phone": "555-theirs"}, at=later)
    assert result["fields"] == {"candidate.phone": "applied"}
    (conflict,) = rows(SyncConflict)
    assert conflict.applied == "theirs" and conflict.ours_value == "555-ours"
    assert conflict.ours_changed_at < conflict.theirs_changed_at == later
    assert result["conflicts"] == [str(conflict.pk)]


def test_no_conflict_when_only_they_changed_since_the_last_sync(peer, application, tenant_a):
    _we_change(tenant_a, application, phone="555-ours")
    _send(peer, application, {"candidate.phone": "555-a"}, at=timezone.now())
    rows_before = len(rows(SyncConflict))
    _send(peer, application, {"candidate.phone": "555-b"}, at=timezone.now())
    assert len(rows(SyncConflict)) == rows_before == 1
    assert refreshed(application.candidate).phone == "555-b"


def test_ats_owns_ignores_theirs_and_external_owns_takes_theirs(peer, application, api_a, tenant_a):
    _set_rule(api_a, peer[0], candidate__email="ats_owns", candidate__phone="external_owns")
    _we_change(tenant_a, application, phone="555-ours")
    old = timezone.now() - timedelta(days=1)  # older than our change: external_owns anyway
    result = _send(
        peer, application, {"candidate.email": "theirs@example.com", "candidate.phone": "9"}, at=old
    )
    assert result["fields"] == {"candidate.email": "kept_ours", "candidate.phone": "applied"}
    candidate = refreshed(application.candidate)
    assert (candidate.email, candidate.phone) == ("ours@example.com", "9")
    (conflict,) = rows(SyncConflict)  # the phone: both changed; the email only theirs
    assert (conflict.field, conflict.rule, conflict.applied) == (
        "candidate.phone",
        "external_owns",
        "theirs",
    )


def test_an_older_update_arriving_after_a_newer_one_never_rolls_back(peer, application):
    now = timezone.now()
    _send(peer, application, {"application.source": "referral"}, at=now)
    result = _send(
        peer, application, {"application.source": "agency"}, at=now - timedelta(seconds=30)
    )
    assert result["fields"] == {"application.source": "ignored_older"}
    assert refreshed(application).source == "referral"
    assert refreshed(application).version == 2  # one change applied, the stale one none
    theirs = rows(FieldVersion, connection=peer[0])[0]
    assert theirs.changed_at == now


def test_precedence_refuses_unknown_fields_and_rules(peer, api_a):
    url = f"/api/v1/connections/{peer[0].pk}/field_precedence"
    bad_field = api_a.put(url, {"rules": {"candidate.salary": "ats_owns"}}, format="json")
    assert_error(bad_field, 400, field="rules.candidate.salary")
    bad_rule = api_a.put(url, {"rules": {"candidate.email": "loudest_wins"}}, format="json")
    assert_error(bad_rule, 400, field="rules.candidate.email")


def test_an_admin_resolves_a_conflict_by_taking_theirs_and_cannot_resolve_it_twice(
    peer, application, tenant_a, api_a
):
    _we_change(tenant_a, application, email="edited@example.com")
    _send(
        peer,
        application,
        {"candidate.email": "theirs@example.com"},
        at=timezone.now() - timedelta(minutes=1),
    )
    listed = api_a.get("/api/v1/sync_conflicts?status=open").json()["results"]
    assert len(listed) == 1 and listed[0]["field"] == "candidate.email"
    url = f"/api/v1/sync_conflicts/{listed[0]['id']}/resolve"
    assert_error(api_a.post(url, {"choose": "both"}, format="json"), 400, field="choose")
    response = api_a.post(url, {"choose": "theirs"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved" and response.json()["resolution"] == "theirs"
    assert refreshed(application.candidate).email == "theirs@example.com"
    assert_error(
        api_a.post(url, {"choose": "ours"}, format="json"), 409, "CONFLICT_RESOLVED", "choose"
    )
    assert api_a.get("/api/v1/sync_conflicts?status=open").json()["results"] == []
    assert_error(api_a.get("/api/v1/sync_conflicts?status=maybe"), 400, field="status")
    assert_error(api_a.get("/api/v1/sync_conflicts?status="), 400, field="status")
