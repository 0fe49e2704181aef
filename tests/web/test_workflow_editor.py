"""The admin workflow editor: frameworks, a draft's milestones, publish and pilot, admins only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit.models import AuditAction, AuditEvent
from milestones import services
from milestones.models import Framework, FrameworkVersion, MilestoneDefinition, VersionStatus
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.milestones.factories import make_automation_rule

pytestmark = pytest.mark.django_db


def _draft(tenant, *, name="Engineering hiring", codes=()):
    with tenant_context(tenant):
        framework = services.framework_create(name=name)
        version = services.framework_version_create_draft(framework=framework)
        for code in codes:
            services.milestone_definition_create(version=version, code=code, name=code.title())
    return version


def _codes_in_order(tenant, version) -> list[str]:
    with tenant_context(tenant):
        return list(
            MilestoneDefinition.objects.filter(version=version)
            .order_by("order")
            .values_list("code", flat=True)
        )


def _milestone_post(**overrides) -> dict:
    data = {
        "code": "PHONE_SCREEN",
        "name": "Phone screen",
        "kind": "action_triggered",
        "mandatory": "on",
        "sla_hours": "48",
        "terminal_kind": "none",
        "compliance_tags": "EEO, OFCCP",
        "bypass_hire_types": ["urgent"],
        "bypass_approver_roles": ["hrbp"],
        "bypass_reason_required": "on",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_framework_for_requisition_types_with_a_first_draft(admin_client, tenant_a):
    engineering = factories.make_requisition_type(tenant=tenant_a, name="Engineering")

    response = admin_client.post(
        "/workflows/", {"name": "Engineering hiring", "requisition_types": [engineering.pk]}
    )

    with tenant_context(tenant_a):
        framework = Framework.objects.get(name="Engineering hiring")
        [draft] = framework.versions.all()
        assert list(framework.requisition_types.all()) == [engineering]
    assert draft.status == VersionStatus.DRAFT
    assert response.status_code == 302
    assert response["Location"] == f"/workflows/versions/{draft.pk}/"
    body = admin_client.get("/workflows/").content.decode()
    assert "Engineering hiring" in body
    assert "Draft" in body


def test_a_requisition_type_taken_by_another_framework_is_refused_next_to_the_field(
    admin_client, tenant_a
):
    engineering = factories.make_requisition_type(tenant=tenant_a, name="Engineering")
    admin_client.post("/workflows/", {"name": "First", "requisition_types": [engineering.pk]})

    response = admin_client.post(
        "/workflows/", {"name": "Second", "requisition_types": [engineering.pk]}
    )

    assert response.status_code == 400
    assert "already follows First" in str(
        response.context["create_form"]["requisition_types"].errors
    )
    with tenant_context(tenant_a):
        assert not Framework.objects.filter(name="Second").exists()


def test_admin_adds_a_milestone_to_a_draft(admin_client, tenant_a):
    version = _draft(tenant_a)

    response = admin_client.post(f"/workflows/versions/{version.pk}/milestones/", _milestone_post())

    assert response.status_code == 302
    with tenant_context(tenant_a):
        milestone = MilestoneDefinition.objects.get(version=version)
    assert milestone.code == "PHONE_SCREEN"
    assert milestone.sla == timedelta(hours=48)
    assert milestone.compliance_tags == ["EEO", "OFCCP"]
    assert milestone.bypass_hire_types == ["urgent"]
    assert milestone.bypass_approver_roles == ["hrbp"]
    body = admin_client.get(f"/workflows/versions/{version.pk}/").content.decode()
    assert "PHONE_SCREEN" in body
    assert "approved by: hrbp" in body


def test_a_code_against_the_naming_convention_is_shown_on_the_field_and_nothing_is_written(
    admin_client, tenant_a
):
    version = _draft(tenant_a)

    response = admin_client.post(
        f"/workflows/versions/{version.pk}/milestones/", _milestone_post(code="phone screen")
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-code"' in body
    assert "must match" in body
    assert "does not follow this tenant" in body
    assert _codes_in_order(tenant_a, version) == []


def test_a_duplicate_code_is_shown_on_the_field_and_nothing_is_written(admin_client, tenant_a):
    version = _draft(tenant_a, codes=["PHONE_SCREEN"])

    response = admin_client.post(
        f"/workflows/versions/{version.pk}/milestones/", _milestone_post(name="Another")
    )

    assert response.status_code == 400
    assert "already used in this version" in str(response.context["milestone_form"]["code"].errors)
    with tenant_context(tenant_a):
        assert MilestoneDefinition.objects.filter(version=version).count() == 1


def test_admin_edits_a_milestone(admin_client, tenant_a):
    version = _draft(tenant_a, codes=["PHONE_SCREEN"])
    with tenant_context(tenant_a):
        milestone = MilestoneDefinition.objects.get(version=version)

    page = admin_client.get(f"/workflows/versions/{version.pk}/milestones/{milestone.pk}/")
    response = admin_client.post(
        f"/workflows/versions/{version.pk}/milestones/{milestone.pk}/",
        _milestone_post(name="Recruiter call", is_sensitive="on"),
    )

    assert page.status_code == 200
    assert response.status_code == 302
    with tenant_context(tenant_a):
        milestone.refresh_from_db()
    assert milestone.name == "Recruiter call"
    assert milestone.is_sensitive is True


def test_admin_deletes_a_milestone_of_a_draft(admin_client, tenant_a):
    version = _draft(tenant_a, codes=["PHONE_SCREEN", "ONSITE"])
    with tenant_context(tenant_a):
        onsite = MilestoneDefinition.objects.get(version=version, code="ONSITE")

    admin_client.post(f"/workflows/versions/{version.pk}/milestones/{onsite.pk}/delete/")

    assert _codes_in_order(tenant_a, version) == ["PHONE_SCREEN"]


def test_moving_a_milestone_up_and_down_reorders_the_draft(admin_client, tenant_a):
    version = _draft(tenant_a, codes=["PHONE_SCREEN", "ONSITE", "OFFER"])
    with tenant_context(tenant_a):
        offer = MilestoneDefinition.objects.get(version=version, code="OFFER")
        phone = MilestoneDefinition.objects.get(version=version, code="PHONE_SCREEN")
    base = f"/workflows/versions/{version.pk}/milestones"

    admin_client.post(f"{base}/{offer.pk}/move/", {"direction": "up"})
    assert _codes_in_order(tenant_a, version) == ["PHONE_SCREEN", "OFFER", "ONSITE"]

    admin_client.post(f"{base}/{phone.pk}/move/", {"direction": "down"})
    assert _codes_in_order(tenant_a, version) == ["OFFER", "PHONE_SCREEN", "ONSITE"]

    # Past the top is a no-op, not an error.
    response = admin_client.post(f"{base}/{offer.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    assert _codes_in_order(tenant_a, version) == ["OFFER", "PHONE_SCREEN", "ONSITE"]


@pytest.mark.parametrize(
    "action",
    ["milestones/{milestone}/delete/", "milestones/{milestone}/move/", "rules/{rule}/delete/"],
)
def test_a_get_of_a_milestone_or_rule_action_answers_405_and_changes_nothing(
    admin_client, tenant_a, action
):
    version = _draft(tenant_a, codes=["PHONE_SCREEN", "ONSITE"])
    rule = make_automation_rule(tenant=tenant_a, version=version, milestone_code="ONSITE")
    url = f"/workflows/versions/{version.pk}/" + action.format(
        milestone=rule.milestone_id, rule=rule.pk
    )

    assert admin_client.get(url).status_code == 405

    assert _codes_in_order(tenant_a, version) == ["PHONE_SCREEN", "ONSITE"]
    with tenant_context(tenant_a):
        assert version.automation_rules.filter(pk=rule.pk).exists()


def test_publishing_makes_the_version_active_and_read_only(admin_client, tenant_a):
    version = _draft(tenant_a, codes=["PHONE_SCREEN"])
    with tenant_context(tenant_a):
        milestone = MilestoneDefinition.objects.get(version=version)

    admin_client.post(f"/workflows/versions/{version.pk}/publish/")

    with tenant_context(tenant_a):
        version.refresh_from_db()
    assert version.status == VersionStatus.ACTIVE
    body = admin_client.get(f"/workflows/versions/{version.pk}/").content.decode()
    assert 'data-testid="read-only-notice"' in body
    assert "Copy to draft" in body
    assert 'data-testid="milestone-add-form"' not in body
    assert "/move/" not in body
    # A forged write to the published version is refused by the service, nothing written.
    response = admin_client.post(
        f"/workflows/versions/{version.pk}/milestones/{milestone.pk}/delete/"
    )
    assert response.status_code == 422
    assert _codes_in_order(tenant_a, version) == ["PHONE_SCREEN"]


def test_publishing_an_empty_draft_is_refused_with_the_reason_on_top(admin_client, tenant_a):
    version = _draft(tenant_a)

    response = admin_client.post(f"/workflows/versions/{version.pk}/publish/")

    assert response.status_code == 422
    assert "needs milestones to publish" in response.content.decode()
    with tenant_context(tenant_a):
        version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_copy_to_draft_opens_a_new_draft_with_the_same_milestones(admin_client, tenant_a):
    version = _draft(tenant_a, codes=["PHONE_SCREEN", "OFFER"])
    with tenant_context(tenant_a):
        services.framework_version_publish(version=version)

    response = admin_client.post(f"/workflows/versions/{version.pk}/copy/")

    with tenant_context(tenant_a):
        draft = FrameworkVersion.objects.get(framework=version.framework, number=2)
    assert response["Location"] == f"/workflows/versions/{draft.pk}/"
    assert _codes_in_order(tenant_a, draft) == ["PHONE_SCREEN", "OFFER"]


def test_new_draft_from_the_list_adds_an_empty_version(admin_client, tenant_a):
    version = _draft(tenant_a)

    admin_client.post(f"/workflows/frameworks/{version.framework_id}/drafts/")

    with tenant_context(tenant_a):
        assert version.framework.versions.count() == 2


def test_admin_pilots_a_draft_in_selected_departments(admin_client, tenant_a):
    version = _draft(tenant_a, codes=["PHONE_SCREEN"])
    engineering = factories.make_department(tenant=tenant_a, name="Engineering")
    sales = factories.make_department(tenant=tenant_a, name="Sales")
    factories.make_department(tenant=tenant_a, name="Legal")

    page = admin_client.get(f"/workflows/versions/{version.pk}/").content.decode()
    response = admin_client.post(
        f"/workflows/versions/{version.pk}/pilot/", {"departments": [engineering.pk, sales.pk]}
    )

    assert "Legal" in page
    assert response.status_code == 302
    with tenant_context(tenant_a):
        version.refresh_from_db()
        piloted = set(version.pilot_departments.values_list("name", flat=True))
    assert version.status == VersionStatus.PILOT
    assert piloted == {"Engineering", "Sales"}
    body = admin_client.get(f"/workflows/versions/{version.pk}/").content.decode()
    assert "Piloting in: Engineering, Sales" in body


def test_a_pilot_with_another_tenant_s_department_is_refused_and_nothing_written(
    admin_client, tenant_a, tenant_b
):
    version = _draft(tenant_a, codes=["PHONE_SCREEN"])
    elsewhere = factories.make_department(tenant=tenant_b, name="Globex lab")

    response = admin_client.post(
        f"/workflows/versions/{version.pk}/pilot/", {"departments": [elsewhere.pk]}
    )

    assert response.status_code == 400
    assert response.context["pilot_form"]["departments"].errors
    with tenant_context(tenant_a):
        version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_a_recruiter_gets_403_and_no_workflows_link(client_a, tenant_a):
    version = _draft(tenant_a, codes=["PHONE_SCREEN"])

    assert client_a.get("/workflows/").status_code == 403
    assert client_a.get(f"/workflows/versions/{version.pk}/").status_code == 403
    assert client_a.post(f"/workflows/versions/{version.pk}/publish/").status_code == 403
    assert "/workflows/" not in client_a.get("/requisitions/").content.decode()
    with tenant_context(tenant_a):
        version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_admin_sees_the_workflows_link(admin_client):
    assert 'href="/workflows/"' in admin_client.get("/requisitions/").content.decode()


def test_another_tenant_s_version_is_404_and_untouched(admin_client, tenant_b):
    theirs = _draft(tenant_b, name="Globex hiring", codes=["PHONE_SCREEN"])
    with tenant_context(tenant_b):
        milestone = MilestoneDefinition.objects.get(version=theirs)

    assert admin_client.get(f"/workflows/versions/{theirs.pk}/").status_code == 404
    assert admin_client.post(f"/workflows/versions/{theirs.pk}/publish/").status_code == 404
    assert (
        admin_client.post(
            f"/workflows/versions/{theirs.pk}/milestones/{milestone.pk}/delete/"
        ).status_code
        == 404
    )
    assert (
        admin_client.post(f"/workflows/frameworks/{theirs.framework_id}/drafts/").status_code == 404
    )
    assert "Globex hiring" not in admin_client.get("/workflows/").content.decode()
    with tenant_context(tenant_b):
        theirs.refresh_from_db()
        assert theirs.status == VersionStatus.DRAFT
        assert theirs.framework.versions.count() == 1
    assert _codes_in_order(tenant_b, theirs) == ["PHONE_SCREEN"]


def test_a_denied_lookup_of_another_tenant_s_version_is_audited(
    admin_client, admin_a, tenant_a, tenant_b
):
    theirs = _draft(tenant_b, name="Globex hiring")

    admin_client.get(f"/workflows/versions/{theirs.pk}/")

    with all_tenants_context():
        [event] = AuditEvent.all_tenants.filter(action=AuditAction.ACCESS_DENIED)
    assert event.tenant_id == tenant_a.pk
    assert event.actor_user_id == admin_a.pk
    assert event.object_id == str(theirs.pk)
    assert event.data["exists_in_other_tenant"] is True


@pytest.mark.parametrize("milestone_count", [5, 30])
def test_version_page_runs_a_constant_number_of_queries(
    admin_client, tenant_a, django_assert_max_num_queries, milestone_count
):
    codes = [f"STEP_{i:02d}" for i in range(milestone_count)]
    version = _draft(tenant_a, codes=codes)
    for _ in range(3):
        factories.make_department(tenant=tenant_a)
    for code in codes[:3]:
        make_automation_rule(tenant=tenant_a, version=version, milestone_code=code)

    # Session, user, tenant and membership lookups are 14 of them, the header's unread
    # badge 1; the page itself reads the version, its milestones, its pilot departments,
    # the department choices and its automation rules (with their milestones), the
    # timers sections their escalation levels and deadline rules, and the sandbox section
    # its recent runs (with who ran them): one query each.
    with django_assert_max_num_queries(23):
        response = admin_client.get(f"/workflows/versions/{version.pk}/")

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="milestone-row"') == milestone_count


def test_framework_list_runs_a_constant_number_of_queries(
    admin_client, tenant_a, django_assert_max_num_queries
):
    for n in range(6):
        _draft(tenant_a, name=f"Framework {n}", codes=["PHONE_SCREEN"])

    with django_assert_max_num_queries(19):  # 18, plus the header's unread badge
        response = admin_client.get("/workflows/")

    assert response.status_code == 200
