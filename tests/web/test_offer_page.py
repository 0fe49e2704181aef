"""The offer page: draft and change the offer (a material change voids the open round and
starts a new one), see which steps apply before requesting, request (filling the policy's
slots), withdraw, decide, and the history; the salary only for those who may see it; the
approval state on the board and the application page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from approvals.models import ApprovalRound, Offer, RoundStatus
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.approvals.factories import make_approval_world, make_policy, role, slot, step
from tests.support import refreshed, signed_in

pytestmark = pytest.mark.django_db

TERMS = {
    "title": "Staff engineer",
    "salary_amount": "130000",
    "salary_currency": "USD",
    "bonus_amount": "",
    "equity": "",
    "start_date": "2027-01-04",
    "employment_type": "full_time",
}


def _url(application, tail="") -> str:
    return f"/applications/{application.pk}/offer/{tail}"


@pytest.fixture
def world(tenant_a):
    return make_approval_world(tenant=tenant_a)


def _rounds(world) -> list[ApprovalRound]:
    with tenant_context(world.tenant):
        return list(ApprovalRound.objects.filter(offer=world.offer).order_by("number"))


def test_the_recruiter_drafts_an_offer_for_an_application_without_one(world, tenant_a):
    application = factories.make_application(tenant=tenant_a, requisition=world.requisition)
    client = signed_in(world.recruiter)
    assert 'data-testid="no-offer"' in client.get(_url(application)).content.decode()

    response = client.post(_url(application), TERMS)

    assert response.status_code == 303
    with tenant_context(tenant_a):
        offer = Offer.objects.get(application=application)
    assert (offer.title, offer.salary_amount, offer.version_number) == (
        "Staff engineer",
        Decimal("130000.00"),
        1,
    )


def test_a_bad_salary_is_named_inline_and_nothing_is_saved(world, tenant_a):
    application = factories.make_application(tenant=tenant_a, requisition=world.requisition)

    response = signed_in(world.recruiter).post(
        _url(application), {**TERMS, "salary_amount": "lots"}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-salary_amount"' in body and "Salary: a number" in body
    assert 'value="lots"' in body
    with tenant_context(tenant_a):
        assert not Offer.objects.filter(application=application).exists()


def test_before_requesting_the_recruiter_sees_which_steps_apply_and_which_are_skipped(world):
    body = signed_in(world.recruiter).get(_url(world.application)).content.decode()

    assert 'data-testid="approval-preview"' in body
    applies = body.split('data-testid="preview-applies"')[1].split("</ol>")[0]
    skipped = body.split('data-testid="preview-skipped"')[1].split("</ul>")[0]
    assert "Hiring manager" in applies and "HRBP" in applies
    assert "Department head" in skipped and "executive" in skipped


def test_requesting_approval_starts_a_round_shown_on_the_board_and_application_page(world):
    client = signed_in(world.recruiter)

    response = client.post(_url(world.application, "request/"))

    assert response.status_code == 303
    [round_] = _rounds(world)
    assert round_.status == RoundStatus.REQUESTED
    status = "Awaiting approval: step 1 of 2 (Hiring manager)"
    board = client.get(f"/requisitions/{world.requisition.pk}/board/").content.decode()
    page = client.get(f"/applications/{world.application.pk}/").content.decode()
    assert status in board
    assert status in page and _url(world.application) in page


def test_requesting_twice_answers_409_on_the_page(world):
    world.request()

    response = signed_in(world.recruiter).post(_url(world.application, "request/"))

    assert response.status_code == 409
    assert 'data-testid="request-error"' in response.content.decode()
    assert len(_rounds(world)) == 1


def test_a_material_edit_voids_the_open_round_and_starts_a_new_one(world):
    world.request()
    client = signed_in(world.recruiter)
    page = client.get(_url(world.application)).content.decode()
    assert 'data-testid="material-warning"' in page and "voids the" in page

    response = client.post(
        _url(world.application),
        {**TERMS, "title": world.offer.title, "version": refreshed(world.offer).version},
        follow=True,
    )

    assert "Approval round 1 was voided and round 2 started" in response.content.decode()
    first, second = _rounds(world)
    assert (first.status, second.status) == (RoundStatus.VOIDED, RoundStatus.REQUESTED)
    assert refreshed(world.offer).version_number == 2


def test_a_stale_edit_answers_409(world):
    response = signed_in(world.recruiter).post(
        _url(world.application), {**TERMS, "version": refreshed(world.offer).version + 5}
    )

    assert response.status_code == 409
    assert 'data-testid="offer-error"' in response.content.decode()


def test_withdrawing_closes_the_open_round(world):
    round_ = world.request()

    response = signed_in(world.recruiter).post(
        _url(world.application, "withdraw/"), {"reason": "Candidate paused"}
    )

    assert response.status_code == 303
    assert refreshed(round_).status == RoundStatus.WITHDRAWN


def test_the_approver_decides_from_the_offer_page_and_the_history_shows_it(world):
    round_ = world.request()
    client = signed_in(world.hiring_manager)
    assert 'data-testid="offer-decide"' in client.get(_url(world.application)).content.decode()

    response = client.post(
        f"/approvals/rounds/{round_.pk}/decide/",
        {"decision": "approve", "comment": "Strong loop", "next": "offer"},
    )

    assert response.status_code == 303 and response["Location"] == _url(world.application)
    page = client.get(_url(world.application)).content.decode()
    history = page.split('data-testid="round-history"')[1]
    assert "Strong loop" in history and "Approved" in history


def test_a_decline_without_reason_on_the_offer_page_is_said_there(world):
    round_ = world.request()

    response = signed_in(world.hiring_manager).post(
        f"/approvals/rounds/{round_.pk}/decide/", {"decision": "decline", "next": "offer"}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="offer-decide"' in body and 'data-testid="reason-error"' in body


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("recruiter", True),
        ("hrbp", True),
        ("hiring_manager", True),  # an approver of the round
        ("other_manager", False),
        ("coordinator", False),
        ("auditor", False),
    ],
)
def test_the_salary_is_shown_only_to_those_who_may_see_it(world, tenant_a, who, sees):
    world.request()
    people = {
        "recruiter": world.recruiter,
        "hrbp": world.hrbp,
        "hiring_manager": world.hiring_manager,
        "other_manager": factories.make_membership(tenant=tenant_a, role=Role.HIRING_MANAGER).user,
        "coordinator": factories.make_membership(tenant=tenant_a, role=Role.COORDINATOR).user,
        "auditor": factories.make_membership(tenant=tenant_a, role=Role.AUDITOR).user,
    }

    body = signed_in(people[who]).get(_url(world.application)).content.decode()

    assert ("$120,000" in body) is sees
    assert ("Not shown to your role" in body) is not sees


def test_roles_that_may_not_request_see_no_forms(world, tenant_a):
    auditor = factories.make_membership(tenant=tenant_a, role=Role.AUDITOR).user
    body = signed_in(auditor).get(_url(world.application)).content.decode()

    assert 'data-testid="offer-form"' not in body
    assert 'data-testid="request-form"' not in body
    assert signed_in(auditor).post(_url(world.application, "request/")).status_code == 403


def test_a_policy_with_a_slot_asks_the_requester_to_name_the_person(tenant_a):
    world = make_approval_world(
        tenant=tenant_a, steps=[step("Finance", slot("Finance partner"), role("hrbp"))]
    )
    make_policy(tenant=tenant_a, steps=[step("Other", role("hrbp"))], position=999)
    finance = factories.make_membership(tenant=tenant_a, role=Role.HRBP).user
    client = signed_in(world.recruiter)
    page = client.get(_url(world.application)).content.decode()
    assert 'name="slot:Finance partner"' in page

    missing = client.post(_url(world.application, "request/"))
    filled = client.post(_url(world.application, "request/"), {"slot:Finance partner": finance.pk})

    assert missing.status_code == 400
    assert filled.status_code == 303
    assert [r.status for r in _rounds(world)] == [RoundStatus.REQUESTED]


def test_the_application_page_says_whether_there_is_an_offer_and_links_to_it(world, tenant_a):
    bare = factories.make_application(tenant=tenant_a, requisition=world.requisition)
    client = signed_in(world.recruiter)

    without = client.get(f"/applications/{bare.pk}/").content.decode()
    drafted = client.get(f"/applications/{world.application.pk}/").content.decode()

    assert "No offer yet" in without and _url(bare) in without
    assert "Offer drafted, approval not requested yet" in drafted


def test_a_confidential_requisitions_offer_is_404_for_someone_outside_its_team(world, tenant_a):
    with tenant_context(tenant_a):
        type(world.requisition).objects.filter(pk=world.requisition.pk).update(is_confidential=True)
    round_ = world.request()
    outsider = factories.make_membership(tenant=tenant_a, role=Role.RECRUITER).user

    assert signed_in(outsider).get(_url(world.application)).status_code == 404
    assert signed_in(outsider).post(_url(world.application, "withdraw/")).status_code == 404
    assert signed_in(world.recruiter).get(_url(world.application)).status_code == 200
    assert refreshed(round_).status == RoundStatus.REQUESTED


def test_the_request_form_shows_the_slots_still_to_fill_and_names_a_bad_one(tenant_a):
    world = make_approval_world(
        tenant=tenant_a,
        steps=[step("Finance", slot("Finance partner")), step("Legal", slot("Counsel"))],
    )
    finance = factories.make_membership(tenant=tenant_a, role=Role.HRBP).user
    client = signed_in(world.recruiter)

    page = client.get(_url(world.application)).content.decode()
    applies = page.split('data-testid="preview-applies"')[1].split("</ol>")[0]
    assert "You choose: Finance partner" in applies and "You choose: Counsel" in applies
    form = page.split('data-testid="request-form"')[1].split("</form>")[0]
    assert 'name="slot:Finance partner"' in form and 'name="slot:Counsel"' in form
    # only people who may approve are offered
    assert f'value="{world.recruiter.pk}"' not in form and f'value="{finance.pk}"' in form

    response = client.post(
        _url(world.application, "request/"),
        {"slot:Finance partner": finance.pk, "slot:Counsel": world.recruiter.pk},
    )

    assert response.status_code == 400
    form = response.content.decode().split('data-testid="request-form"')[1].split("</form>")[0]
    counsel = form.split('name="slot:Counsel"')[1].split("</div>")[0]
    assert 'data-testid="slot-error"' in counsel and "may not approve" in counsel
    finance_field = form.split('name="slot:Finance partner"')[1].split("</select>")[0]
    assert f'value="{finance.pk}" selected' in finance_field
