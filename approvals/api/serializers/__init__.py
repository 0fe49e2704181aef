"""Approvals over the API: offers, policies, requests (rounds) with their steps and
decisions, delegations, overrides, and "pending for a user" (re-exported by part)."""

from approvals.api.serializers.common import (  # noqa: F401
    DECISION_CHOICES,
    ActingUserMixin,
    RoundRefSerializer,
    money_field,
    round_ref,
    scoped,
)
from approvals.api.serializers.offers import (  # noqa: F401
    ConsideredSerializer,
    OfferCreateSerializer,
    OfferOutputSerializer,
    OfferUpdatedSerializer,
    OfferUpdateSerializer,
    PolicyCreateSerializer,
    PolicyOrderSerializer,
    PolicyOutputSerializer,
    PolicyUpdateSerializer,
    PolicyVersionSerializer,
    PreviewInputSerializer,
    PreviewOutputSerializer,
    StepPreviewSerializer,
    preview_data,
)
from approvals.api.serializers.round_document import round_document  # noqa: F401
from approvals.api.serializers.rounds import (  # noqa: F401
    CancelSerializer,
    DecideOnBehalfSerializer,
    DecisionInputSerializer,
    DecisionOutputSerializer,
    DelegationCreateSerializer,
    DelegationOutputSerializer,
    OverrideOutputSerializer,
    PendingItemSerializer,
    PendingOutputSerializer,
    ReplaceApproverSerializer,
    RoundCreateSerializer,
    RoundOutputSerializer,
    StepOutputSerializer,
    WithdrawSerializer,
    pending_items,
)
