"""The Sandbox section of the workflow editor's version page, over Django's test client."""

from __future__ import annotations

import html
import json

import pytest

from milestones.models import SandboxRun, VersionStatus
from tests.api.support import rows
from tests.milestones.factories import make_automation_rule, make_deadline_rule, make_version

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

    assert response.status_code == 200
    body = response.content.decode()
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
