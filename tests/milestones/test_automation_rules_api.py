"""/api/v1/automation_rules: rules are data, validated on save, editable on drafts only."""

from __future__ import annotations

import pytest

from milestones.models import AutomationRule, VersionStatus
from tenants.context import all_tenants_context
from tests.support import assert_error, rows

from .factories import make_automation_rule, make_version

pytestmark = pytest.mark.django_db

URL = "/api/v1/automation_rules"


def _draft(tenant):
    return make_version(tenant=tenant, status=VersionStatus.DRAFT)


def _body(version, **kw):
    return {
        "version_id": str(version.pk),
        "kind": "auto_advance",
        "name": "assessment passed",
        "milestone_code": "SCREEN",
        "event_type": "assessment.completed",
        "conditions": {"all": [{"fact": "payload.score", "op": "gte", "value": 70}]},
        "alert_recipients": ["recruiter", "hiring_manager"],
        **kw,
    }


def test_a_rule_is_added_to_a_draft(api_a, tenant_a):
    version = _draft(tenant_a)
    response = api_a.post(URL, _body(version), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["milestone_code"], body["version_id"]) == ("SCREEN", str(version.pk))
    assert body["alert_recipients"] == ["recruiter", "hiring_manager"]


def test_a_bad_condition_is_400_naming_its_path(api_a, tenant_a):
    version = _draft(tenant_a)
    conditions = {"all": [{}, {"fact": "payload.score", "op": "atleast", "value": 70}]}
    response = api_a.post(URL, _body(version, conditions=conditions), format="json")
    error = assert_error(response, 400, "INVALID_CONDITION", field="conditions.all[1].op")
    assert "atleast" in error["fields"]["conditions.all[1].op"][0]
    assert rows(AutomationRule) == []


def test_an_unknown_fact_fails_on_save(api_a, tenant_a):
    version = _draft(tenant_a)
    conditions = {"fact": "candidate.email", "op": "exists"}
    response = api_a.post(URL, _body(version, conditions=conditions), format="json")
    assert_error(response, 400, "INVALID_CONDITION", field="conditions.fact")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event_type": ""}, "event_type"),
        ({"milestone_code": "NOPE"}, "milestone_code"),
        ({"alert_recipients": ["ceo"]}, "alert_recipients.0"),
        ({"kind": "teleport"}, "kind"),
    ],
)
def test_an_invalid_rule_names_the_field(api_a, tenant_a, change, field):
    version = _draft(tenant_a)
    assert_error(api_a.post(URL, _body(version, **change), format="json"), 400, field=field)


def test_a_skip_rule_needs_no_event_type(api_a, tenant_a):
    version = _draft(tenant_a)
    body = _body(version, kind="skip", event_type="", conditions={})
    assert api_a.post(URL, body, format="json").status_code == 201


def test_a_published_versions_rules_do_not_change(api_a, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.ACTIVE)
    rule = make_automation_rule(tenant=tenant_a, version=version)
    assert_error(api_a.post(URL, _body(version), format="json"), 422, "VERSION_NOT_EDITABLE")
    assert_error(
        api_a.patch(f"{URL}/{rule.pk}", {"name": "x"}, format="json"), 422, "VERSION_NOT_EDITABLE"
    )
    assert_error(api_a.delete(f"{URL}/{rule.pk}"), 422, "VERSION_NOT_EDITABLE")


def test_a_draft_rule_is_edited_validated_and_deleted(api_a, tenant_a):
    rule = make_automation_rule(tenant=tenant_a)
    response = api_a.patch(f"{URL}/{rule.pk}", {"is_enabled": False}, format="json")
    assert response.status_code == 200 and response.json()["is_enabled"] is False
    bad = api_a.patch(f"{URL}/{rule.pk}", {"conditions": {"not": {"op": "eq"}}}, format="json")
    assert_error(bad, 400, "INVALID_CONDITION", field="conditions.not.fact")
    assert api_a.delete(f"{URL}/{rule.pk}").status_code == 204
    assert rows(AutomationRule) == []


def test_rules_list_by_version(api_a, tenant_a):
    mine = make_automation_rule(tenant=tenant_a)
    make_automation_rule(tenant=tenant_a)
    response = api_a.get(f"{URL}?version_id={mine.version_id}")
    assert [r["id"] for r in response.json()["results"]] == [str(mine.pk)]


def test_another_tenants_version_is_400_in_a_body_404_in_a_filter(api_a, tenant_a, tenant_b):
    theirs = _draft(tenant_b)
    assert_error(
        api_a.post(URL, _body(theirs), format="json"), 400, "VALIDATION_ERROR", field="version_id"
    )
    assert_error(api_a.get(f"{URL}?version_id={theirs.pk}"), 404, field="version_id")


def test_copying_a_version_to_a_draft_copies_its_rules(api_a, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.ACTIVE)
    rule = make_automation_rule(
        tenant=tenant_a,
        version=version,
        conditions={"fact": "payload.score", "op": "gte", "value": 1},
    )
    response = api_a.post(f"/api/v1/framework_versions/{version.pk}/copy_to_draft")
    assert response.status_code == 201
    draft_id = response.json()["id"]
    (copy,) = rows(AutomationRule, version_id=draft_id)
    assert (copy.name, copy.conditions, copy.event_type) == (
        rule.name,
        rule.conditions,
        rule.event_type,
    )
    with all_tenants_context():
        assert (copy.milestone.code, str(copy.milestone.version_id)) == ("SCREEN", draft_id)
    assert rows(AutomationRule, pk=rule.pk)[0].version_id == version.pk
