"""Query filters of the approvals API (strict: an empty or malformed value is a 400)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef

from approvals.models import (
    ApprovalAssignment,
    ApprovalDelegation,
    ApprovalRound,
    Offer,
    RoundStatus,
    SubjectKind,
)
from ats_milestones.api.filters import IntegerFilter, StrictFilterSet


class OfferFilter(StrictFilterSet):
    application = django_filters.UUIDFilter(field_name="application_id")

    class Meta:
        model = Offer
        fields: list[str] = []


class RoundFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices)
    subject_kind = django_filters.ChoiceFilter(choices=SubjectKind.choices)
    application = django_filters.UUIDFilter(field_name="application_id")
    offer = django_filters.UUIDFilter(field_name="offer_id")
    requisition = django_filters.UUIDFilter(field_name="requisition_id")
    approver = IntegerFilter(
        method="filter_approver", label="Rounds in which this user is an approver."
    )

    class Meta:
        model = ApprovalRound
        fields: list[str] = []

    def filter_approver(self, queryset, name, value):
        mine = ApprovalAssignment.objects.filter(round=OuterRef("pk"), approver_id=value)
        return queryset.filter(Exists(mine))


class DelegationFilter(StrictFilterSet):
    delegator = IntegerFilter(field_name="delegator_id")
    delegate = IntegerFilter(field_name="delegate_id")

    class Meta:
        model = ApprovalDelegation
        fields: list[str] = []
