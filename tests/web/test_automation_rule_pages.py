"""The Automation rules section of the workflow editor, over Django's test client."""

from __future__ import annotations

import pytest

from audit.models import AuditAction
from milestones.models import AutomationRule, VersionStatus
from tests.milestones.factories import make_automation_rule, make_version
from tests.support import audit_events, refreshed, rows

pytestmark = pytest.mark.django_db


def _post(version, **kw):
    return {
        "rule-kind": "skip",
        "rule-name": "Referrals skip the screen",
        "rule-milestone_code": "SCREEN",
        "rule-event_type": "",
        "rule-conditions": '{"fact": "application.source", "op": "eq", "value": "referral"}',
        "rule-alert_recipients": ["recruiter"],
        "rule-is_enabled": "on",
        **kw,
    }


def test_a_rule_is_added_and_listed(admin_client, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    response = admin_client.post(f"/workflows/versions/{version.pk}/rules/", _post(version))
    assert response.status_code == 302
    (rule,) = rows(AutomationRule, version=version)
    assert rule.conditions["value"] == "referral"
    page = admin_client.get(f"/workflows/versions/{version.pk}/").content.decode()
    assert "Referrals skip the screen" in page


def test_invalid_json_and_a_bad_condition_are_shown_next_to_the_conditions(admin_client, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    url = f"/workflows/versions/{version.pk}/rules/"
    response = admin_client.post(url, _post(version, **{"rule-conditions": "{not json"}))
    assert response.status_code == 400
    assert "not valid JSON" in response.content.decode()
    bad = '{"any": [{"fact": "application.colour", "op": "eq", "value": 1}]}'
    response = admin_client.post(url, _post(version, **{"rule-conditions": bad}))
    assert response.status_code == 400
    assert "conditions.any[0].fact" in response.content.decode()
    assert rows(AutomationRule) == []


def test_a_rule_is_edited_and_deleted_on_a_draft(admin_client, tenant_a):
    rule = make_automation_rule(tenant=tenant_a)
    base = f"/workflows/versions/{rule.version_id}/rules/{rule.pk}/"
    assert admin_client.get(base).status_code == 200
    response = admin_client.post(
        base,
        _post(rule.version, **{"rule-kind": "auto_advance", "rule-event_type": "offer.accepted"}),
    )
    assert response.status_code == 302
    assert refreshed(rule).event_type == "offer.accepted"
    assert admin_client.post(base + "delete/").status_code == 302
    assert rows(AutomationRule) == []


def test_a_published_versions_rule_cannot_be_deleted(admin_client, tenant_a):
    rule = make_automation_rule(
        tenant=tenant_a, version=make_version(tenant=tenant_a, status=VersionStatus.ACTIVE)
    )
    response = admin_client.post(f"/workflows/versions/{rule.version_id}/rules/{rule.pk}/delete/")
    assert response.status_code == 422
    assert rows(AutomationRule, pk=rule.pk)


def test_another_tenants_rule_is_404_and_audited(admin_client, tenant_a, tenant_b):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    theirs = make_automation_rule(tenant=tenant_b)
    response = admin_client.get(f"/workflows/versions/{version.pk}/rules/{theirs.pk}/")
    assert response.status_code == 404
    (event,) = audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(theirs.pk))
    assert event.tenant_id == tenant_a.pk


def test_a_recruiter_cannot_edit_rules(client_a, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    response = client_a.post(f"/workflows/versions/{version.pk}/rules/", _post(version))
    assert response.status_code == 403
