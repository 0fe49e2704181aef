from decimal import Decimal

import pytest

from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.models import OfferVersion, RoundStatus
from approvals.selectors import approval_rounds_of_subject, offer_get, offer_list
from approvals.services import offer_create, offer_update
from tenants.actors import SYSTEM
from tenants.context import tenant_context
from tests.approvals.factories import make_approval_world, make_offer
from tests.support import audit_events, refreshed

pytestmark = pytest.mark.django_db


def test_an_offer_starts_at_version_one(tenant_a):
    offer = make_offer(tenant=tenant_a, bonus_amount="5000.5", start_date="2027-01-04")
    with tenant_context(tenant_a):
        versions = list(OfferVersion.objects.filter(offer=offer))
        assert offer_get(offer_id=offer.pk).bonus_amount == Decimal("5000.50")
        assert list(offer_list()) == [offer]
    assert [(v.number, v.salary_amount) for v in versions] == [(1, Decimal("120000.00"))]
    assert audit_events(action="offer.created")[0].object_id == str(offer.pk)


def test_a_second_offer_for_one_application_answers_409(tenant_a):
    offer = make_offer(tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(ApprovalError) as refused:
        offer_create(
            application=offer.application,
            actor=SYSTEM,
            title="Again",
            salary_amount=1,
            salary_currency="USD",
        )
    assert (refused.value.status, refused.value.code) == (409, ApprovalErrorCode.OFFER_EXISTS)


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"salary_amount": "lots"}, "salary_amount"),
        ({"salary_amount": "-1"}, "salary_amount"),
        ({"salary_currency": "usd"}, "salary_currency"),
        ({"start_date": "next week"}, "start_date"),
        ({"employment_type": "forever"}, "employment_type"),
        ({"custom_fields": ["x"]}, "custom_fields"),
        ({"title": ""}, "title"),
        ({"salary": 3}, "salary"),
    ],
)
def test_bad_offer_terms_answer_400_naming_the_field(tenant_a, terms, field):
    offer = make_offer(tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(ApprovalError) as refused:
        offer_update(offer=offer, actor=SYSTEM, changes=terms)
    assert refused.value.status == 400
    assert field in refused.value.fields


def test_a_material_change_makes_a_new_version(tenant_a):
    offer = make_offer(tenant=tenant_a)
    with tenant_context(tenant_a):
        result = offer_update(offer=offer, actor=SYSTEM, changes={"salary_amount": "130000"})
        numbers = list(OfferVersion.objects.filter(offer=offer).values_list("number", flat=True))
    assert result.material is True
    assert refreshed(offer).version_number == 2
    assert numbers == [1, 2]


def test_a_custom_field_change_edits_the_version_in_place(tenant_a):
    offer = make_offer(tenant=tenant_a)
    with tenant_context(tenant_a):
        result = offer_update(offer=offer, actor=SYSTEM, changes={"custom_fields": {"note": "x"}})
        versions = list(OfferVersion.objects.filter(offer=offer))
    assert result.material is False
    assert refreshed(offer).version_number == 1
    assert [v.custom_fields for v in versions] == [{"note": "x"}]


def test_a_stale_offer_version_answers_409(tenant_a):
    offer = make_offer(tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(ApprovalError) as refused:
        offer_update(offer=offer, actor=SYSTEM, changes={"title": "X"}, expected_version=7)
    assert refused.value.code == ApprovalErrorCode.STALE_VERSION


def test_a_material_edit_voids_the_open_round_and_starts_a_new_one(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    first = world.request()
    with tenant_context(tenant_a):
        result = offer_update(
            offer=world.offer, actor=world.recruiter_actor, changes={"salary_amount": "140000"}
        )
    assert refreshed(first).status == RoundStatus.VOIDED
    assert result.voided.pk == first.pk
    assert (result.restarted.number, result.restarted.status) == (2, RoundStatus.REQUESTED)
    assert result.restarted.offer_version.number == 2
    assert audit_events(action="approval.voided")[0].object_id == str(first.pk)


def test_a_non_material_edit_keeps_the_open_round(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    first = world.request()
    with tenant_context(tenant_a):
        result = offer_update(
            offer=world.offer, actor=world.recruiter_actor, changes={"custom_fields": {"a": 1}}
        )
    assert result.voided is None
    assert refreshed(first).status == RoundStatus.REQUESTED


def test_an_offer_of_another_tenant_is_not_found(tenant_a, tenant_b):
    theirs = make_offer(tenant=tenant_b)
    with tenant_context(tenant_a):
        assert offer_get(offer_id=theirs.pk) is None


def test_every_round_of_an_offer_is_kept_as_its_history(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    world.request()
    with tenant_context(tenant_a):
        offer_update(offer=world.offer, actor=world.recruiter_actor, changes={"equity": "2%"})
        history = [
            (r.number, r.status, r.offer_version.number)
            for r in approval_rounds_of_subject(subject_key=f"offer:{world.offer.pk}")
        ]
    assert history == [(2, RoundStatus.REQUESTED, 2), (1, RoundStatus.VOIDED, 1)]
