"""The warehouses' change feed: everything once, then only what changed, and never a row
missed when a transaction that began earlier commits later."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from milestones.models import MilestoneTransition
from milestones.services.transitions.moves import application_transition
from tenants.context import all_tenants_context, tenant_context
from tests.milestones.factories import make_tracked_application
from tests.support import assert_error, database_url

CHANGES = "export-changes"


def _move(tenant, application, action="advance", **kw):
    with tenant_context(tenant):
        return application_transition(
            application_id=application.pk, action=action, expected_version=None, **kw
        )


def _sync(api, dataset, token=None, **query):
    if token:
        query["sync_token"] = token
    response = api.get(reverse(CHANGES, args=[dataset]), query)
    assert response.status_code == 200, response.content
    return response.json()


def _drain(api, dataset, token=None, **query) -> tuple[list[dict], str]:
    """Every page until `has_more` is false: the rows and the token for next time."""
    got = []
    while True:
        body = _sync(api, dataset, token, **query)
        got += body["results"]
        token = body["next_sync_token"]
        if not body["has_more"]:
            return got, token


@pytest.mark.django_db(transaction=True)
def test_first_call_sends_everything_then_only_what_changed(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    _move(tenant_a, application)
    first, token = _drain(api_a, "transitions")
    assert [r["kind"] for r in first] == ["initialize", "advance"]

    again, token = _drain(api_a, "transitions", token)
    assert again == []

    moved = _move(tenant_a, application)
    later, token = _drain(api_a, "transitions", token)
    assert [r["transition_id"] for r in later] == [str(moved.pk)]


@pytest.mark.django_db(transaction=True)
def test_pages_of_one_window_follow_each_other_without_gaps(api_a, tenant_a):
    for _ in range(3):
        application = make_tracked_application(tenant=tenant_a)
        _move(tenant_a, application)
        _move(tenant_a, application)
    body = _sync(api_a, "transitions", limit=4)
    assert body["has_more"] and len(body["results"]) == 4
    rest, _ = _drain(api_a, "transitions", body["next_sync_token"], limit=4)
    ids = [r["transition_id"] for r in body["results"] + rest]
    assert len(ids) == len(set(ids)) == 9


@pytest.mark.django_db(transaction=True)
def test_a_stay_closed_later_is_sent_again_with_its_end(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    first, token = _drain(api_a, "stays")
    assert [(r["milestone_code"], r["left_at"]) for r in first] == [("APPLIED", None)]
    _move(tenant_a, application)
    changed, _ = _drain(api_a, "stays", token)
    by_code = {r["milestone_code"]: r for r in changed}
    assert set(by_code) == {"APPLIED", "SCREEN"}
    assert by_code["APPLIED"]["ended"] == "advanced" and by_code["APPLIED"]["left_at"]
    assert by_code["APPLIED"]["stay_id"] == first[0]["stay_id"]


_COPY_TRANSITION = """
INSERT INTO milestones_milestonetransition (id, tenant_id, created_at, updated_at,
    application_id, from_milestone_id, to_milestone_id, kind, cause, actor_user_id,
    actor_api_client_id, actor_role, reason, at, application_version)
SELECT gen_random_uuid(), tenant_id, now(), now(), application_id, from_milestone_id,
    to_milestone_id, kind, cause, actor_user_id, actor_api_client_id, actor_role, %s, at,
    application_version
FROM milestones_milestonetransition WHERE id = %s
"""


def _writer(tenant) -> psycopg.Connection:
    """Another real connection to the test database, in the tenant, in a transaction."""
    conn = psycopg.connect(database_url(connection.settings_dict["NAME"]))
    conn.execute("SELECT set_config('app.tenant_id', %s, false)", [str(tenant.pk)])
    return conn


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_began_first_and_commits_last_is_not_missed(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    _, token = _drain(api_a, "transitions")
    with all_tenants_context():
        template = str(
            MilestoneTransition.all_tenants.filter(application_id=application.pk)
            .values_list("id", flat=True)
            .get()
        )
    early, late = _writer(tenant_a), _writer(tenant_a)
    try:
        # The early transaction takes its id first, then stays open...
        early.execute(_COPY_TRANSITION, ["early", template])
        # ...while a later one writes and commits.
        late.execute(_COPY_TRANSITION, ["late", template])
        late.commit()

        # An `updated_after`-style feed would send "late" now and move past "early".
        seen, token = _drain(api_a, "transitions", token)
        assert [r["reason"] for r in seen] == []  # held back behind the open transaction

        early.commit()
        seen, token = _drain(api_a, "transitions", token)
        assert sorted(r["reason"] for r in seen) == ["early", "late"]
        assert _drain(api_a, "transitions", token)[0] == []
    finally:
        early.close()
        late.close()


@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_in_another_database_does_not_hold_the_feed_back(api_a, tenant_a):
    """The cluster-wide xmin would wait for it (and a run beside other test databases
    sent nothing at all): only this database's running transactions count."""
    application = make_tracked_application(tenant=tenant_a)
    _move(tenant_a, application)
    elsewhere = psycopg.connect(database_url("postgres"))
    try:
        elsewhere.execute("SELECT pg_current_xact_id()")  # takes an id, stays open
        first, _ = _drain(api_a, "transitions")
        assert [r["kind"] for r in first] == ["initialize", "advance"]
    finally:
        elsewhere.close()


@pytest.mark.django_db
def test_updated_after_polls_by_time(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    moved = _move(tenant_a, application)
    body = _sync(api_a, "transitions", updated_after="2000-01-01T00:00:00Z")
    assert len(body["results"]) == 2 and body["next_sync_token"] is None
    assert body["next_updated_after"]
    later = _sync(api_a, "transitions", updated_after="2999-01-01T00:00:00Z")
    assert later["results"] == []
    assert str(moved.pk) in {r["transition_id"] for r in body["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"sync_token": "forged"}, "sync_token"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"updated_after": "soon"}, "updated_after"),
        ({"sync_token": "x", "updated_after": "2026-01-01T00:00Z"}, "updated_after"),
        ({"cursor": "x"}, "cursor"),
    ],
)
def test_bad_feed_queries_answer_400_naming_the_parameter(api_a, query, field):
    assert_error(api_a.get(reverse(CHANGES, args=["transitions"]), query), 400, field=field)


@pytest.mark.django_db
def test_a_token_of_another_tenant_or_dataset_is_refused(api_a, api_b, tenant_a, tenant_b):
    token = _sync(api_a, "transitions")["next_sync_token"]
    response = api_b.get(reverse(CHANGES, args=["transitions"]), {"sync_token": token})
    assert_error(response, 400, "INVALID_SYNC_TOKEN", field="sync_token")
    response = api_a.get(reverse(CHANGES, args=["stays"]), {"sync_token": token})
    assert_error(response, 400, "INVALID_SYNC_TOKEN", field="sync_token")
