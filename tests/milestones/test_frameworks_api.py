"""Designing frameworks over the API: versions, milestones, and the version lifecycle."""

from __future__ import annotations

import pytest

from milestones.errors import MilestoneErrorCode as Code
from milestones.models import (
    Framework,
    FrameworkVersion,
    MilestoneDefinition,
    MilestoneSettings,
    VersionStatus,
)
from milestones.services.versions.lifecycle import requisition_framework_version_pin
from tenants.context import all_tenants_context, tenant_context
from tests import factories

from .factories import make_framework, make_version

pytestmark = pytest.mark.django_db


def _draft(api, tenant, **framework_kw) -> dict:
    framework = make_framework(tenant=tenant, **framework_kw)
    response = api.post(f"/api/v1/frameworks/{framework.pk}/versions", format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _add(api, version_id, code, **fields):
    return api.post(
        f"/api/v1/framework_versions/{version_id}/milestones",
        {"code": code, "name": code.title(), **fields},
        format="json",
    )


def test_create_framework_for_requisition_types(api_a, tenant_a):
    requisition_type = factories.make_requisition_type(tenant=tenant_a)
    response = api_a.post(
        "/api/v1/frameworks",
        {"name": "Engineering", "requisition_type_ids": [str(requisition_type.pk)]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["requisition_type_ids"] == [str(requisition_type.pk)]
    assert api_a.get("/api/v1/frameworks").json()["results"][0]["name"] == "Engineering"


def test_a_requisition_type_follows_one_framework_only(api_a, tenant_a):
    requisition_type = factories.make_requisition_type(tenant=tenant_a)
    make_framework(tenant=tenant_a, requisition_types=[requisition_type])
    response = api_a.post(
        "/api/v1/frameworks",
        {"name": "Second", "requisition_type_ids": [str(requisition_type.pk)]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == Code.REQUISITION_TYPE_TAKEN
    assert "requisition_type_ids" in response.json()["error"]["fields"]


def test_rename_and_delete_a_framework_without_published_versions(api_a, tenant_a):
    framework = make_framework(tenant=tenant_a)
    response = api_a.patch(f"/api/v1/frameworks/{framework.pk}", {"name": "Renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"
    assert api_a.delete(f"/api/v1/frameworks/{framework.pk}").status_code == 204
    with all_tenants_context():
        assert not Framework.all_tenants.filter(pk=framework.pk).exists()


def test_a_framework_with_a_published_version_cannot_be_deleted(api_a, tenant_a):
    version = make_version(tenant=tenant_a)
    response = api_a.delete(f"/api/v1/frameworks/{version.framework_id}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == Code.VERSION_NOT_EDITABLE


def test_build_a_draft_then_publish_it(api_a, tenant_a):
    draft = _draft(api_a, tenant_a)
    assert draft["status"] == "draft"
    assert _add(api_a, draft["id"], "APPLIED").status_code == 201
    assert (
        _add(api_a, draft["id"], "PHONE_SCREEN", kind="time_based", sla="2 00:00:00").status_code
        == 201
    )
    assert _add(api_a, draft["id"], "OFFER", mandatory=False).status_code == 201
    response = api_a.patch(
        f"/api/v1/framework_versions/{draft['id']}/milestones/OFFER",
        {"compliance_tags": ["OFCCP", "custom-x"], "is_sensitive": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["compliance_tags"] == ["OFCCP", "custom-x"]
    response = api_a.post(
        f"/api/v1/framework_versions/{draft['id']}/milestones_order",
        {"codes": ["PHONE_SCREEN", "APPLIED", "OFFER"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [m["code"] for m in response.json()["milestones"]] == [
        "PHONE_SCREEN",
        "APPLIED",
        "OFFER",
    ]
    assert (
        api_a.delete(f"/api/v1/framework_versions/{draft['id']}/milestones/OFFER").status_code
        == 204
    )
    response = api_a.post(f"/api/v1/framework_versions/{draft['id']}/publish")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    assert response.json()["published_at"]
    with all_tenants_context():
        history = MilestoneDefinition.history.model.objects.filter(code="APPLIED")
        assert history.count() >= 2  # created, then reordered


def test_publishing_retires_the_previous_active_version(api_a, tenant_a):
    old = make_version(tenant=tenant_a)
    new = make_version(tenant=tenant_a, framework=old.framework, status=VersionStatus.DRAFT)
    response = api_a.post(f"/api/v1/framework_versions/{new.pk}/publish")
    assert response.status_code == 200
    with all_tenants_context():
        old.refresh_from_db()
    assert old.status == "retired"
    assert old.retired_at is not None


def test_a_published_version_cannot_be_edited(api_a, tenant_a):
    version = make_version(tenant=tenant_a)
    for response in (
        _add(api_a, version.pk, "NEW_STEP"),
        api_a.patch(
            f"/api/v1/framework_versions/{version.pk}/milestones/APPLIED",
            {"name": "x"},
            format="json",
        ),
        api_a.delete(f"/api/v1/framework_versions/{version.pk}/milestones/APPLIED"),
        api_a.post(
            f"/api/v1/framework_versions/{version.pk}/milestones_order",
            {"codes": ["HIRED", "OFFER", "INTERVIEW", "SCREEN", "APPLIED"]},
            format="json",
        ),
    ):
        assert response.status_code == 422
        assert response.json()["error"]["code"] == Code.VERSION_NOT_EDITABLE
    with all_tenants_context():
        assert MilestoneDefinition.all_tenants.filter(version=version).count() == 5


def test_copy_to_draft_carries_the_milestones_over(api_a, tenant_a):
    version = make_version(
        tenant=tenant_a, milestones={"OFFER": {"compliance_tags": ["EEO"], "mandatory": False}}
    )
    response = api_a.post(f"/api/v1/framework_versions/{version.pk}/copy_to_draft")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["number"], body["copied_from_id"]) == ("draft", 2, str(version.pk))
    offer = next(m for m in body["milestones"] if m["code"] == "OFFER")
    assert (offer["compliance_tags"], offer["mandatory"]) == (["EEO"], False)
    assert _add(api_a, body["id"], "BACKGROUND_CHECK").status_code == 201


def test_code_off_the_tenants_convention_is_400_naming_code(api_a, tenant_a):
    draft = _draft(api_a, tenant_a)
    response = _add(api_a, draft["id"], "lowercase")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == Code.INVALID_MILESTONE_CODE
    assert "code" in response.json()["error"]["fields"]


def test_the_convention_is_the_tenants_own(api_a, api_b, tenant_a):
    response = api_a.patch(
        "/api/v1/milestone_settings", {"code_pattern": r"^m-[a-z]+$"}, format="json"
    )
    assert response.status_code == 200
    assert api_a.get("/api/v1/milestone_settings").json() == {"code_pattern": r"^m-[a-z]+$"}
    assert api_b.get("/api/v1/milestone_settings").json() == {
        "code_pattern": MilestoneSettings._meta.get_field("code_pattern").default
    }
    draft = _draft(api_a, tenant_a)
    assert _add(api_a, draft["id"], "m-screen").status_code == 201
    assert _add(api_a, draft["id"], "SCREEN").status_code == 400


def test_duplicate_code_in_a_version_is_400_naming_code(api_a, tenant_a):
    draft = _draft(api_a, tenant_a)
    assert _add(api_a, draft["id"], "APPLIED").status_code == 201
    response = _add(api_a, draft["id"], "APPLIED")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == Code.DUPLICATE_MILESTONE_CODE
    assert "code" in response.json()["error"]["fields"]


def test_unknown_gate_type_is_400_naming_gate_conditions(api_a, tenant_a):
    draft = _draft(api_a, tenant_a)
    response = _add(api_a, draft["id"], "APPLIED", gate_conditions=[{"type": "moon_phase"}])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == Code.INVALID_GATE_CONDITION
    assert "gate_conditions" in response.json()["error"]["fields"]


def test_time_based_milestone_needs_an_sla(api_a, tenant_a):
    draft = _draft(api_a, tenant_a)
    response = _add(api_a, draft["id"], "APPLIED", kind="time_based")
    assert response.status_code == 400
    assert "sla" in response.json()["error"]["fields"]


def test_publishing_an_empty_version_is_refused(api_a, tenant_a):
    draft = _draft(api_a, tenant_a)
    response = api_a.post(f"/api/v1/framework_versions/{draft['id']}/publish")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == Code.VERSION_EMPTY


def test_pilot_pins_requisitions_of_listed_departments_only(api_a, tenant_a):
    requisition_type = factories.make_requisition_type(tenant=tenant_a)
    framework = make_framework(tenant=tenant_a, requisition_types=[requisition_type])
    active = make_version(tenant=tenant_a, framework=framework)
    pilot = make_version(tenant=tenant_a, framework=framework, status=VersionStatus.DRAFT)
    piloting, other = (factories.make_department(tenant=tenant_a) for _ in range(2))
    response = api_a.post(
        f"/api/v1/framework_versions/{pilot.pk}/pilot",
        {"department_ids": [str(piloting.pk)]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["pilot_department_ids"] == [str(piloting.pk)]
    in_pilot = factories.make_requisition(
        tenant=tenant_a, requisition_type=requisition_type, department=piloting
    )
    elsewhere = factories.make_requisition(
        tenant=tenant_a, requisition_type=requisition_type, department=other
    )
    with tenant_context(tenant_a):
        assert requisition_framework_version_pin(requisition_id=in_pilot.pk) == pilot
        assert requisition_framework_version_pin(requisition_id=elsewhere.pk) == active
    response = api_a.get(f"/api/v1/requisitions/{in_pilot.pk}/framework_version")
    assert response.status_code == 200
    assert response.json()["framework_version"]["id"] == str(pilot.pk)


def test_unpinned_requisition_reads_a_null_version(api_a, tenant_a):
    requisition = factories.make_requisition(tenant=tenant_a)
    response = api_a.get(f"/api/v1/requisitions/{requisition.pk}/framework_version")
    assert response.status_code == 200
    assert response.json()["framework_version"] is None


def test_retire_an_active_version_and_not_a_draft(api_a, tenant_a):
    active = make_version(tenant=tenant_a)
    assert (
        api_a.post(f"/api/v1/framework_versions/{active.pk}/retire").json()["status"] == "retired"
    )
    draft = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    response = api_a.post(f"/api/v1/framework_versions/{draft.pk}/retire")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == Code.INVALID_STATUS_CHANGE


def test_config_needs_the_config_scope(tenant_a):
    from rest_framework.test import APIClient

    _, token = factories.make_api_client(tenant=tenant_a, scopes=["config:read"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/frameworks").status_code == 200
    assert api.post("/api/v1/frameworks", {"name": "x"}, format="json").status_code == 403


# -- tenant boundaries ---------------------------------------------------------------------


def test_another_tenants_framework_and_version_are_404(api_b, tenant_a, tenant_b):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    assert api_b.get(f"/api/v1/frameworks/{version.framework_id}").status_code == 404
    assert api_b.get(f"/api/v1/framework_versions/{version.pk}").status_code == 404
    for path in ("publish", "copy-to-draft", "retire"):
        assert api_b.post(f"/api/v1/framework_versions/{version.pk}/{path}").status_code == 404
    assert _add(api_b, version.pk, "SNEAKY").status_code == 404
    with all_tenants_context():
        version.refresh_from_db()
    assert version.status == "draft"
    with all_tenants_context():
        assert FrameworkVersion.all_tenants.filter(tenant=tenant_b).count() == 0
        assert not MilestoneDefinition.all_tenants.filter(code="SNEAKY").exists()


def test_another_tenants_requisition_is_404(api_b, tenant_a, tenant_b):
    requisition = factories.make_requisition(tenant=tenant_a)
    assert api_b.get(f"/api/v1/requisitions/{requisition.pk}/framework_version").status_code == 404


def test_pilot_with_another_tenants_department_is_400_naming_department_ids(
    api_a, tenant_a, tenant_b
):
    draft = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    foreign = factories.make_department(tenant=tenant_b)
    response = api_a.post(
        f"/api/v1/framework_versions/{draft.pk}/pilot",
        {"department_ids": [str(foreign.pk)]},
        format="json",
    )
    assert response.status_code == 400
    assert "department_ids" in response.json()["error"]["fields"]
    with all_tenants_context():
        draft.refresh_from_db()
    assert draft.status == "draft"


def test_framework_with_another_tenants_requisition_type_is_400(api_a, tenant_a, tenant_b):
    foreign = factories.make_requisition_type(tenant=tenant_b)
    response = api_a.post(
        "/api/v1/frameworks",
        {"name": "Borrowed", "requisition_type_ids": [str(foreign.pk)]},
        format="json",
    )
    assert response.status_code == 400
    assert "requisition_type_ids" in response.json()["error"]["fields"]
    with all_tenants_context():
        assert not Framework.all_tenants.filter(name="Borrowed").exists()


def test_a_convention_that_is_not_a_regex_is_400_naming_code_pattern(api_a, tenant_a):
    response = api_a.patch("/api/v1/milestone_settings", {"code_pattern": "(["}, format="json")
    assert response.status_code == 400
    assert "code_pattern" in response.json()["error"]["fields"]


def test_a_required_fields_gate_names_real_fields_only(api_a, tenant_a):
    draft = _draft(api_a, tenant_a)
    gate = {"type": "required_fields", "fields": ["candidate.email", "candidate.shoe_size"]}
    response = _add(api_a, draft["id"], "APPLIED", gate_conditions=[gate])
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["gate_conditions"] == [
        "unknown field candidate.shoe_size"
    ]
    gate["fields"] = ["candidate.email", "application.source"]
    assert _add(api_a, draft["id"], "APPLIED", gate_conditions=[gate]).status_code == 201
