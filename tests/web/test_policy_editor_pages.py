"""The policy editor: policies in the order they are tried (reorder), a new policy or a
department's extension, steps edited as fields (every change a new version, the versions
listed), errors on the step they belong to, and the preview on a sample requisition and
offer."""

from __future__ import annotations

import pytest

from approvals.models import ApprovalPolicy, ApprovalPolicyVersion
from tenants.context import tenant_context
from tests import factories
from tests.approvals.factories import THREE_STEPS, make_policy

pytestmark = pytest.mark.django_db


def _policies(tenant) -> list[str]:
    with tenant_context(tenant):
        return list(
            ApprovalPolicy.objects.order_by("position", "name").values_list("name", flat=True)
        )


def _form(policy, **changes) -> dict:
    """The edit form as the browser posts it for the policy's three steps."""
    data = {
        "name": policy.name,
        "is_active": "on",
        "conditions": "",
        "step_rows": "4",
        "steps-1-name": "Hiring manager",
        "steps-1-roles": ["hiring_manager"],
        "steps-1-quorum": "all",
        "steps-1-veto": "any",
        "steps-2-name": "HRBP",
        "steps-2-roles": ["hrbp"],
        "steps-2-quorum": "all",
        "steps-2-veto": "any",
        "steps-3-name": "Department head",
        "steps-3-roles": ["department_head"],
        "steps-3-quorum": "all",
        "steps-3-veto": "any",
        "steps-3-condition": '{"fact": "hire.executive", "op": "eq", "value": true}',
        "steps-4-name": "",
        "sample_salary": "120000",
        "sample_currency": "USD",
        "sample_band_min": "100000",
        "sample_band_max": "150000",
    }
    data.update(changes)
    return data


def _versions(policy) -> list[int]:
    with tenant_context(policy.tenant):
        return list(
            ApprovalPolicyVersion.objects.filter(policy=policy)
            .order_by("number")
            .values_list("number", flat=True)
        )


def _steps(policy) -> list[dict]:
    with tenant_context(policy.tenant):
        return ApprovalPolicy.objects.get(pk=policy.pk).current_version.steps


@pytest.fixture
def policy(tenant_a):
    return make_policy(tenant=tenant_a, name="Offers", steps=THREE_STEPS)


def test_the_list_shows_policies_in_order_and_moves_one_later(admin_client, tenant_a, policy):
    make_policy(tenant=tenant_a, name="Executive offers", position=200)
    assert _policies(tenant_a) == ["Offers", "Executive offers"]
    assert "Offers" in admin_client.get("/approvals/policies/").content.decode()

    response = admin_client.post(f"/approvals/policies/{policy.pk}/move/", {"direction": "down"})

    assert response.status_code == 303
    assert _policies(tenant_a) == ["Executive offers", "Offers"]


def test_the_edit_page_shows_the_steps_with_the_default_veto_and_condition_words(
    admin_client, policy
):
    body = admin_client.get(f"/approvals/policies/{policy.pk}/").content.decode()

    assert 'value="Department head"' in body
    assert "Any rejection declines (the default)" in body
    assert 'data-testid="step-3-condition-words"' in body
    assert 'data-testid="step-row-4"' in body  # a blank row adds a step


def test_saving_changed_steps_makes_a_new_version_listed_on_the_page(admin_client, policy):
    data = _form(
        policy, **{"steps-2-quorum": "n_of_m", "steps-2-n": "1", "steps-2-veto": "majority"}
    )

    response = admin_client.post(f"/approvals/policies/{policy.pk}/", data, follow=True)

    assert "Saved as version 2." in response.content.decode()
    assert _versions(policy) == [1, 2]
    hrbp = _steps(policy)[1]
    assert (hrbp["quorum"], hrbp["n"], hrbp["veto"]) == ("n_of_m", 1, "majority")
    table = response.content.decode().split('data-testid="policy-versions"')[1]
    assert "Current" in table and table.count("<tr>") == 3  # the header and two versions


def test_saving_the_unchanged_form_makes_no_new_version(admin_client, policy):
    response = admin_client.post(f"/approvals/policies/{policy.pk}/", _form(policy), follow=True)

    assert "did not change" in response.content.decode()
    assert _versions(policy) == [1]


def test_adding_and_removing_steps(admin_client, policy, tenant_a):
    finance = factories.make_membership(tenant=tenant_a, role="hrbp").user
    data = _form(
        policy,
        remove=["3"],
        **{
            "steps-4-name": "Finance",
            "steps-4-users": [str(finance.pk)],
            "steps-4-slots": "Budget owner",
        },
    )

    admin_client.post(f"/approvals/policies/{policy.pk}/", data)

    steps = _steps(policy)
    assert [s["name"] for s in steps] == ["Hiring manager", "HRBP", "Finance"]
    assert steps[2]["approvers"] == [{"user": finance.pk}, {"slot": "Budget owner"}]


def test_a_bad_step_is_named_on_its_row_and_nothing_is_saved(admin_client, policy):
    data = _form(policy, **{"steps-2-quorum": "n_of_m", "steps-2-n": "5"})

    response = admin_client.post(f"/approvals/policies/{policy.pk}/", data)

    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="step-2-errors"' in body and "N of M" in body
    assert _versions(policy) == [1]


def test_bad_condition_json_is_said_on_the_step(admin_client, policy):
    response = admin_client.post(
        f"/approvals/policies/{policy.pk}/", _form(policy, **{"steps-3-condition": "{not json"})
    )

    assert response.status_code == 400
    assert "The condition is not valid JSON." in response.content.decode()


@pytest.mark.parametrize(("executive", "head_applies"), [(False, False), (True, True)])
def test_the_preview_on_a_sample_says_which_steps_apply(
    admin_client, policy, tenant_a, executive, head_applies
):
    factories.make_department(tenant=tenant_a)
    factories.make_requisition_type(tenant=tenant_a)
    data = _form(policy, action="preview")
    if executive:
        data["sample_executive"] = "on"

    response = admin_client.post(f"/approvals/policies/{policy.pk}/", data)

    assert response.status_code == 200
    body = response.content.decode()
    steps = body.split('data-testid="policy-preview"')[1].split("</ol>")[0]
    head = steps.split("Department head")[1].split("</li>")[0]
    assert ("Applies" in head) is head_applies
    assert ("Skipped" in head) is not head_applies
    assert _versions(policy) == [1]  # a preview writes nothing


def test_a_new_policy_starts_with_one_step_and_opens_the_editor(admin_client, tenant_a):
    response = admin_client.post("/approvals/policies/", {"name": "Interns", "kind": "offer"})

    assert response.status_code == 303
    with tenant_context(tenant_a):
        created = ApprovalPolicy.objects.get(name="Interns")
    assert response["Location"] == f"/approvals/policies/{created.pk}/"
    assert len(_steps(created)) == 1


def test_a_department_extends_a_template_with_its_steps(admin_client, tenant_a, policy):
    department = factories.make_department(tenant=tenant_a)

    admin_client.post(
        "/approvals/policies/",
        {"name": "Sales offers", "department": str(department.pk), "extends": str(policy.pk)},
    )

    with tenant_context(tenant_a):
        extension = ApprovalPolicy.objects.get(name="Sales offers")
    assert extension.extends_id == policy.pk
    assert _steps(extension) == THREE_STEPS


def test_an_extension_that_weakens_its_template_is_refused_on_the_page(
    admin_client, tenant_a, policy
):
    department = factories.make_department(tenant=tenant_a)
    extension = make_policy(
        tenant=tenant_a, name="Sales", steps=THREE_STEPS, department=department, extends=policy
    )

    response = admin_client.post(
        f"/approvals/policies/{extension.pk}/", _form(extension, remove=["2"])
    )

    assert response.status_code == 400
    assert "missing" in response.content.decode()
    assert _versions(extension) == [1]
