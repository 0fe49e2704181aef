"""Approval requests (rounds) over the API: request, withdraw, read with steps and
decisions, list with filters; decide (`If-Match` the request's version); and an approver's
pending items."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from approvals import selectors, services
from approvals.api import filters
from approvals.api import serializers as s
from approvals.api.acting import acting_actor
from approvals.api.offers import ETAG_HEADER
from approvals.api.visibility import visible_rows
from approvals.errors import ApprovalErrorCode as Code
from approvals.models import ApprovalAssignment, ApprovalRound, ApprovalStep
from approvals.services.delegation import delegators_of
from ats_milestones.api.base import TenantScopedAPIView, TenantScopedViewSet
from ats_milestones.api.etag import etag_of, expected_version_from
from ats_milestones.api.schema import (
    DETAIL_ERRORS,
    E400,
    E404,
    IF_MATCH_PARAMETER,
    READ_ERRORS,
    ErrorSerializer,
    error_codes,
)
from ats_milestones.api.serializers import validated
from ats_milestones.errors import DomainError
from tenants.models import ApiScope
from tenants.people import user_names
from tenants.permissions import Capability, actor_require


def error_responses(*codes: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=error_codes(*codes))


def rounds_with_steps():
    """Rounds with their steps and each step's decisions and people: four queries for a
    page of any size."""
    assignments = ApprovalAssignment.objects.select_related("approver", "decided_by").order_by(
        "created_at", "id"
    )
    steps = ApprovalStep.objects.order_by("index").prefetch_related(
        Prefetch("assignments", queryset=assignments)
    )
    return ApprovalRound.objects.select_related(
        "policy_version__policy", "offer_version"
    ).prefetch_related(Prefetch("steps", queryset=steps))


def round_response(round_id, *, status_code: int = 200) -> Response:
    return round_rendered(rounds_with_steps().get(pk=round_id), status_code=status_code)


def round_rendered(round_: ApprovalRound, *, status_code: int = 200) -> Response:
    """A round with its steps and decisions already loaded (as `rounds_with_steps` loads
    them, or as a decision returns it), and its version as the ETag."""
    return Response(
        s.round_document(round_), status=status_code, headers={"ETag": etag_of(round_.version)}
    )


class _ApprovalsWrite:
    read_scope = ApiScope.APPROVALS_READ
    write_scope = ApiScope.APPROVALS_WRITE
    read_capability = Capability.VIEW


@extend_schema_view(
    list=extend_schema(
        tags=["approval requests"],
        responses={200: s.RoundOutputSerializer(many=True), 400: E400, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        tags=["approval requests"],
        parameters=[ETAG_HEADER],
        responses={200: s.RoundOutputSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        tags=["approval requests"],
        request=s.RoundCreateSerializer,
        parameters=[ETAG_HEADER],
        responses={
            201: s.RoundOutputSerializer,
            400: error_responses("VALIDATION_ERROR", Code.SLOT_NOT_FILLED, "INVALID_INPUT"),
            **DETAIL_ERRORS,
            409: error_responses(Code.ROUND_ALREADY_OPEN),
            422: error_responses(
                Code.NO_POLICY_APPLIES, Code.NOTHING_TO_APPROVE, "IDEMPOTENCY_KEY_REUSED"
            ),
        },
    ),
)
class ApprovalRequestViewSet(_ApprovalsWrite, TenantScopedViewSet):
    """A request for approval of an offer, a requisition's opening or a stage-gated
    milestone: one round under the policy that applies, with its steps and decisions."""

    queryset = ApprovalRound.all_tenants.none()
    write_capability = Capability.REQUEST_APPROVAL
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = filters.RoundFilter
    serializer_class = s.RoundOutputSerializer

    def tenant_queryset(self):
        return visible_rows(self, rounds_with_steps(), via="requisition__")

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.RoundOutputSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        round_ = self.get_object()
        return Response(
            s.RoundOutputSerializer(round_).data, headers={"ETag": etag_of(round_.version)}
        )

    def create(self, request):
        data = validated(s.RoundCreateSerializer, request.data)
        actor = acting_actor(self, data)
        if data.get("offer"):
            subject = services.subject_of_offer(data["offer"])
        elif data.get("requisition"):
            subject = services.subject_of_requisition(data["requisition"])
        else:
            subject = services.subject_of_milestone(data["application"], data["milestone_code"])
        round_ = services.approval_request(
            subject=subject, actor=actor, slots=data.get("slots") or None
        )
        return round_response(round_.pk, status_code=201)

    @extend_schema(
        tags=["approval requests"],
        request=s.WithdrawSerializer,
        parameters=[IF_MATCH_PARAMETER, ETAG_HEADER],
        responses={
            200: s.RoundOutputSerializer,
            400: E400,
            **DETAIL_ERRORS,
            409: error_responses(Code.ROUND_NOT_OPEN, Code.STALE_VERSION),
            422: error_responses("IDEMPOTENCY_KEY_REUSED"),
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take an open request back; its pending decisions lapse."""
        round_ = self.get_object()
        data = validated(s.WithdrawSerializer, request.data)
        services.approval_withdraw(
            round=round_,
            actor=acting_actor(self, data),
            reason=data.get("reason", ""),
            expected_version=expected_version_from(request),
        )
        return round_response(round_.pk)


class RoundActionView(_ApprovalsWrite, TenantScopedAPIView):
    """A POST on one approval request, looked up cheaply (no prefetch: the service locks
    and reads it); an id that is not ours answers 404 before any body check."""

    queryset = ApprovalRound.all_tenants.none()

    def tenant_queryset(self):
        return visible_rows(self, ApprovalRound.objects.all(), via="requisition__")

    def round_or_404(self, pk) -> ApprovalRound:
        round_ = self.get_queryset().filter(pk=pk).first()
        if round_ is None:
            self.record_denied_lookup()
            raise Http404
        return round_


class ApprovalDecisionView(RoundActionView):
    write_capability = Capability.APPROVE
    serializer_class = s.DecisionInputSerializer

    @extend_schema(
        tags=["approval requests"],
        operation_id="approval_requests_decisions_create",
        request=s.DecisionInputSerializer,
        parameters=[
            OpenApiParameter(
                name="If-Match",
                type=OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                required=True,
                description='The approval request\'s version (its ETag), e.g. `"3"`.',
            ),
            ETAG_HEADER,
        ],
        responses={
            201: OpenApiResponse(
                s.RoundOutputSerializer, description="Decided; `ETag` is the new version."
            ),
            400: error_responses("VALIDATION_ERROR", Code.REASON_REQUIRED, Code.INVALID_DECISION),
            403: error_responses("PERMISSION_DENIED", Code.NOT_AN_APPROVER),
            404: E404,
            409: error_responses(
                Code.ROUND_NOT_OPEN, Code.STEP_NOT_DUE, Code.ALREADY_DECIDED, Code.STALE_VERSION
            ),
            422: error_responses("IDEMPOTENCY_KEY_REUSED"),
            428: error_responses("PRECONDITION_REQUIRED"),
        },
    )
    def post(self, request, pk):
        """Approve or decline as an approver of the due step (or as the delegate of one);
        a decline needs a reason. A round that is finished or voided answers 409."""
        # A person's sight limits the rounds they reach: looked up first. An API client's
        # round is looked up by the decision's locking read (the whole tenant is its sight),
        # and its person with it: no statement of the view's own.
        person = self.api_client is None
        round_ = self.round_or_404(pk) if person else None
        try:
            data = validated(s.DecisionInputSerializer, request.data)
            expected = expected_version_from(request, required=True)
            actor = acting_actor(self, data, person_required=True, role_read_by_service=not person)
            step = data.get("step")
            if step is not None and step.round_id != pk:
                raise exceptions.ValidationError({"step": ["Not a step of this approval request."]})
        except (exceptions.APIException, DomainError):
            if not person:
                self.round_or_404(pk)  # an id not ours answers 404 before any body check
            raise
        try:
            decided = services.approval_decide(
                round=round_ or pk,
                actor=actor,
                decision=data["decision"],
                comment=data.get("comment", ""),
                reason=data.get("reason", ""),
                step=step,
                expected_version=expected,
            )
        except ApprovalRound.DoesNotExist:
            self.record_denied_lookup()
            raise Http404 from None
        # The service read the round with everything the answer shows: no read after it.
        return round_rendered(decided, status_code=201)


class PendingApprovalsView(TenantScopedAPIView):
    """`GET /api/v1/approvals/pending?user=`: one person's approvals."""

    read_scope = ApiScope.APPROVALS_READ
    read_capability = Capability.VIEW
    queryset = ApprovalAssignment.all_tenants.none()
    pagination_class = None

    def tenant_queryset(self):
        return ApprovalAssignment.objects.all()

    @extend_schema(
        tags=["approval requests"],
        operation_id="approvals_pending",
        parameters=[
            OpenApiParameter(
                name="user",
                type=int,
                location=OpenApiParameter.QUERY,
                required=False,
                description="Whose approvals: a person sees their own (an admin may name "
                "anyone); an API client names the user.",
            ),
            OpenApiParameter(
                name="limit",
                type=int,
                location=OpenApiParameter.QUERY,
                required=False,
                description=f"How many due (and, apart, waiting) items to list, the longest "
                f"due first: 1 to {selectors.PENDING_SHOWN_MAX}, default "
                f"{selectors.PENDING_SHOWN}; `due_count` / `waiting_count` say how many there "
                "are.",
            ),
        ],
        responses={200: s.PendingOutputSerializer, 400: E400, **READ_ERRORS},
    )
    def get(self, request):
        """Due now (theirs and those delegated to them today), waiting on an earlier step,
        and their latest decisions: a constant number of queries at any size."""
        user_id = self._user(request)
        limit = self._limit(request)
        delegators = delegators_of(user_id)
        mine = selectors.my_approvals(user_id=user_id, limit=limit, on_behalf_of=delegators)
        names = user_names(delegators) if delegators else {}
        return Response(
            {
                "user": user_id,
                "due_count": mine.due_count,
                "waiting_count": mine.waiting_count,
                "due": s.pending_items(mine.due, names),
                "waiting": s.pending_items(mine.waiting, names),
                "decided": s.pending_items(mine.decided, names),
            }
        )

    def _limit(self, request) -> int:
        raw = request.query_params.get("limit")
        if raw is None:
            return selectors.PENDING_SHOWN
        wanted = f"A whole number from 1 to {selectors.PENDING_SHOWN_MAX}."
        try:
            limit = int(raw)
        except ValueError:
            raise exceptions.ValidationError({"limit": [wanted]}) from None
        if not 1 <= limit <= selectors.PENDING_SHOWN_MAX:
            raise exceptions.ValidationError({"limit": [wanted]})
        return limit

    def _user(self, request) -> int:
        raw = request.query_params.get("user")
        if raw is None or raw == "":
            if self.api_client is not None:
                raise exceptions.ValidationError({"user": ["An API client names the user."]})
            return self.actor.user_id
        try:
            user_id = int(raw)
        except ValueError:
            raise exceptions.ValidationError({"user": ["A user id (a whole number)."]}) from None
        if not 1 <= user_id <= 2**63 - 1:
            raise exceptions.ValidationError({"user": ["A user id (a whole number)."]})
        if self.api_client is None and user_id != self.actor.user_id:
            actor_require(self.actor, Capability.DECIDE_ON_BEHALF)
        return user_id
