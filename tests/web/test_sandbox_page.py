"""The Sandbox section of the workflow editor's version page, over Django's test client."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milestones.models import SandboxRun, VersionStatus
from tests import factories
from tests.milestones.factories import (
    make_automation_rule,
    make_deadline_rule,
    make_sandbox_run,
    make_version,
)
from tests.support import rows

pytestmark = pytest.mark.django_db


def _version(tenant):
    version = make_version(tenant=tenant, status=VersionStatus.DRAFT)
    make_automation_rule(
        tenant=tenant,
        version=version,
        milestone_code="APPLIED",
        name="Screened well",
        event_type="screening.done",
        conditions={"fact": "payload.score", "op": "gte", "value": 70},
    )
    make_deadline_rule(tenant=tenant, version=version)
    return version


def _scenario_on_the_page(page: str) -> dict:
    start = page.index('name="scenario"')
    text = page[page.index(">", start) + 1 : page.index("</textarea>", start)]
    return json.loads(html.unescape(text))


def test_the_page_prefills_a_scenario_from_the_versions_rules(admin_client, tenant_a):
    version = _version(tenant_a)
    page = admin_client.get(f"/workflows/versions/{version.pk}/").content.decode()
    assert 'data-testid="sandbox"' in page
    scenario = _scenario_on_the_page(page)
    assert [e["event_type"] for e in scenario["events"]] == ["screening.done"]
    assert list(scenario["applications"][0]["deadlines"]) == ["offer_expires_at"]


def test_running_the_example_shows_the_steps_and_keeps_the_run(admin_client, tenant_a):
    version = _version(tenant_a)
    page = admin_client.get(f"/workflows/versions/{version.pk}/").content.decode()
    scenario = json.dumps(_scenario_on_the_page(page))

    response = admin_client.post(
        f"/workflows/versions/{version.pk}/sandbox/", {"scenario": scenario}
    )

    [run] = rows(SandboxRun, version=version)
    assert response.status_code == 303  # to the run's page: a reload does not run it again
    assert response["Location"] == f"/workflows/versions/{version.pk}/sandbox/{run.pk}/#sandbox"
    body = admin_client.get(response["Location"]).content.decode()
    assert 'data-kind="auto_advance"' in body
    assert "Screened well" in body
    assert 'data-kind="deadline"' in body
    assert len(rows(SandboxRun, version=version)) == 1


def test_a_bad_scenario_is_shown_with_its_field_and_runs_nothing(admin_client, tenant_a):
    version = _version(tenant_a)
    url = f"/workflows/versions/{version.pk}/sandbox/"

    not_json = admin_client.post(url, {"scenario": "{nope"})
    assert not_json.status_code == 400
    assert 'data-testid="sandbox-error"' in not_json.content.decode()

    no_clock = admin_client.post(url, {"scenario": json.dumps({"applications": [{"key": "a"}]})})
    assert no_clock.status_code == 400
    assert "clock_end" in no_clock.content.decode()
    assert rows(SandboxRun) == []


def test_a_recruiter_cannot_run_the_sandbox(client_a, tenant_a):
    version = _version(tenant_a)
    response = client_a.post(f"/workflows/versions/{version.pk}/sandbox/", {"scenario": "{}"})
    assert response.status_code == 403
    assert rows(SandboxRun) == []


def _recent_runs(page: str) -> list[str]:
    """The ids of the runs listed under Recent runs, in the page's order."""
    table = page[page.index('data-testid="sandbox-runs"') :]
    return re.findall(r"/sandbox/([0-9a-f-]{36})/", table[: table.index("</table>")])


def test_the_section_lists_the_versions_recent_runs_newest_first(admin_client, tenant_a):
    version = _version(tenant_a)
    ran_by = factories.make_user(username="grace", first_name="Grace", last_name="Hopper")
    older = make_sandbox_run(tenant=tenant_a, version=version)
    newer = make_sandbox_run(
        tenant=tenant_a,
        version=version,
        created_by=ran_by,
        result={"steps": [{"kind": "auto_advance"}, {"kind": "deadline"}]},
    )
    make_sandbox_run(tenant=tenant_a)  # another version's

    page = admin_client.get(f"/workflows/versions/{version.pk}/").content.decode()

    assert _recent_runs(page) == [str(newer.pk), str(older.pk)]
    assert "Grace Hopper" in page
    assert '<span class="count" data-testid="sandbox-run-steps">2</span>' in page


def test_the_section_lists_ten_runs_at_most(admin_client, tenant_a):
    version = _version(tenant_a)
    for _ in range(12):
        make_sandbox_run(tenant=tenant_a, version=version)

    page = admin_client.get(f"/workflows/versions/{version.pk}/").content.decode()

    assert len(_recent_runs(page)) == 10


def test_a_past_run_opens_with_its_scenario_and_steps(admin_client, tenant_a):
    version = _version(tenant_a)
    scenario = {"clock_end": "2026-03-06T09:00:00Z", "applications": [{"key": "zoe"}]}
    step = {
        "at": "2026-03-02T10:00:00Z",
        "application": "zoe",
        "kind": "skip",
        "rule": {"id": None, "name": "Referrals skip"},
        "from_code": "INTERVIEW",
        "to_code": None,
        "reason": "a referral",
    }
    run = make_sandbox_run(
        tenant=tenant_a, version=version, scenario=scenario, result={"steps": [step]}
    )

    response = admin_client.get(f"/workflows/versions/{version.pk}/sandbox/{run.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert _scenario_on_the_page(page) == scenario
    assert 'data-testid="sandbox-step" data-kind="skip"' in page
    assert "Referrals skip" in page
    assert 'data-testid="sandbox-run" aria-current="true"' in page


def test_a_run_of_another_version_does_not_open_under_this_one(admin_client, tenant_a):
    version = _version(tenant_a)
    elsewhere = make_sandbox_run(tenant=tenant_a)

    response = admin_client.get(f"/workflows/versions/{version.pk}/sandbox/{elsewhere.pk}/")

    assert response.status_code == 404


def test_a_recruiter_cannot_open_a_past_run(client_a, tenant_a):
    version = _version(tenant_a)
    run = make_sandbox_run(tenant=tenant_a, version=version)
    response = client_a.get(f"/workflows/versions/{version.pk}/sandbox/{run.pk}/")
    assert response.status_code == 403


def _queries_of_the_page(client, version) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/workflows/versions/{version.pk}/").status_code == 200
    return len(queries)


def test_the_recent_runs_cost_the_same_queries_for_2_runs_as_for_12(admin_client, tenant_a):
    version = _version(tenant_a)

    def add_runs(count):
        for _ in range(count):  # each by another user: who ran it must not cost a query
            make_sandbox_run(tenant=tenant_a, version=version, created_by=factories.make_user())

    admin_client.get(f"/workflows/versions/{version.pk}/")  # the session's first visit writes
    add_runs(2)
    with_2 = _queries_of_the_page(admin_client, version)
    add_runs(10)
    with_12 = _queries_of_the_page(admin_client, version)

    assert with_12 == with_2
