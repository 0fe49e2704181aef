"""Delegations and admin overrides over the API."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from approvals.api import filters
from approvals.api import serializers as s
from approvals.api.acting import acting_actor
from approvals.api.rounds import RoundActionView, error_responses
from approvals.api.visibility import visible_rows
from approvals.errors import ApprovalErrorCode as Code
from approvals.models import ApprovalDelegation, ApprovalOverride
from approvals.services.delegation import approval_delegation_cancel, approval_delegation_create
from approvals.services.overrides import (
    approval_override_confirm,
    approval_override_decide,
    approval_override_reject,
    approval_override_replace,
)
from ats_milestones.api.base import TenantScopedViewSet
from ats_milestones.api.schema import DETAIL_ERRORS, E400, E404, READ_ERRORS
from ats_milestones.api.serializers import validated
from tenants.models import ApiScope
from tenants.permissions import Capability, role_may

_ERRORS_422 = error_responses("IDEMPOTENCY_KEY_REUSED")


@extend_schema_view(
    list=extend_schema(
        tags=["approval delegations"],
        responses={200: s.DelegationOutputSerializer(many=True), 400: E400, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        tags=["approval delegations"],
        responses={200: s.DelegationOutputSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        tags=["approval delegations"],
        request=s.DelegationCreateSerializer,
        responses={
            201: s.DelegationOutputSerializer,
            400: error_responses("VALIDATION_ERROR", Code.INVALID_DELEGATION),
            **DETAIL_ERRORS,
            409: error_responses(Code.DELEGATION_OVERLAPS),
            422: _ERRORS_422,
        },
    ),
)
class ApprovalDelegationViewSet(TenantScopedViewSet):
    """A person lets another decide their approvals for a date range (not re-delegable)."""

    queryset = ApprovalDelegation.all_tenants.none()
    read_scope = ApiScope.APPROVALS_READ
    write_scope = ApiScope.APPROVALS_WRITE
    read_capability = Capability.VIEW
    write_capability = Capability.APPROVE
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = filters.DelegationFilter
    serializer_class = s.DelegationOutputSerializer

    def tenant_queryset(self):
        rows = ApprovalDelegation.objects.select_related("delegator", "delegate")
        actor = self.actor
        if self.api_client is None and not role_may(actor.role, Capability.DECIDE_ON_BEHALF):
            # A person sees the delegations they give or receive; admins see all.
            rows = rows.filter(Q(delegator_id=actor.user_id) | Q(delegate_id=actor.user_id))
        return rows

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.DelegationOutputSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(s.DelegationOutputSerializer(self.get_object()).data)

    def create(self, request):
        data = validated(s.DelegationCreateSerializer, request.data)
        actor = acting_actor(self, data, person_required=True)
        delegator = data.get("delegator")
        delegation = approval_delegation_create(
            actor=actor,
            delegator_id=delegator.pk if delegator is not None else actor.user_id,
            delegate_id=data["delegate"].pk,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            note=data.get("note", ""),
        )
        delegation = (
            self.get_queryset()
            .model.objects.select_related("delegator", "delegate")
            .get(pk=delegation.pk)
        )
        return Response(s.DelegationOutputSerializer(delegation).data, status=201)

    @extend_schema(
        tags=["approval delegations"],
        request=s.CancelSerializer,
        responses={
            200: s.DelegationOutputSerializer,
            400: E400,
            **DETAIL_ERRORS,
            409: error_responses("CONFLICT"),
            422: _ERRORS_422,
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """End the delegation now (the delegator or an admin)."""
        delegation = self.get_object()
        data = validated(s.CancelSerializer, request.data)
        cancelled = approval_delegation_cancel(
            delegation=delegation, actor=acting_actor(self, data, person_required=True)
        )
        cancelled.delegator, cancelled.delegate = delegation.delegator, delegation.delegate
        return Response(s.DelegationOutputSerializer(cancelled).data)


_OVERRIDE_RESPONSES = {
    201: OpenApiResponse(
        s.OverrideOutputSerializer,
        description="Applied, or (an executive hire) `awaiting_confirmation` by a second admin.",
    ),
    400: error_responses("VALIDATION_ERROR", Code.INVALID_OVERRIDE, Code.REASON_REQUIRED),
    **DETAIL_ERRORS,
    409: error_responses(Code.ROUND_NOT_OPEN, Code.STEP_NOT_DUE, Code.ALREADY_DECIDED),
    422: _ERRORS_422,
}


class _OverrideView(RoundActionView):
    write_capability = Capability.DECIDE_ON_BEHALF

    def step_of(self, round_, step):
        if step.round_id != round_.pk:
            raise ValidationError({"step": ["Not a step of this approval request."]})
        return step


class ReplaceApproverView(_OverrideView):
    serializer_class = s.ReplaceApproverSerializer

    @extend_schema(
        tags=["approval overrides"],
        operation_id="approval_requests_replace_approver",
        request=s.ReplaceApproverSerializer,
        responses=_OVERRIDE_RESPONSES,
    )
    def post(self, request, pk):
        """Replace an approver of an unresolved step (admins; a reason is mandatory)."""
        round_ = self.round_or_404(pk)
        data = validated(s.ReplaceApproverSerializer, request.data)
        override = approval_override_replace(
            round=round_,
            actor=acting_actor(self, data, person_required=True),
            step=self.step_of(round_, data["step"]),
            approver_id=data["approver"].pk,
            replacement_id=data["replacement"].pk,
            reason=data["reason"],
        )
        return Response(s.OverrideOutputSerializer(override).data, status=201)


class DecideOnBehalfView(_OverrideView):
    serializer_class = s.DecideOnBehalfSerializer

    @extend_schema(
        tags=["approval overrides"],
        operation_id="approval_requests_decide_on_behalf",
        request=s.DecideOnBehalfSerializer,
        responses=_OVERRIDE_RESPONSES,
    )
    def post(self, request, pk):
        """Decide as an approver of the due step, on their behalf (admins; a reason is
        mandatory)."""
        round_ = self.round_or_404(pk)
        data = validated(s.DecideOnBehalfSerializer, request.data)
        override = approval_override_decide(
            round=round_,
            actor=acting_actor(self, data, person_required=True),
            step=self.step_of(round_, data["step"]),
            approver_id=data["approver"].pk,
            decision=data["decision"],
            comment=data.get("comment", ""),
            reason=data["reason"],
        )
        return Response(s.OverrideOutputSerializer(override).data, status=201)


@extend_schema_view(
    list=extend_schema(
        tags=["approval overrides"],
        responses={200: s.OverrideOutputSerializer(many=True), 400: E400, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        tags=["approval overrides"],
        responses={200: s.OverrideOutputSerializer, **DETAIL_ERRORS},
    ),
)
class ApprovalOverrideViewSet(TenantScopedViewSet):
    queryset = ApprovalOverride.all_tenants.none()
    read_scope = ApiScope.APPROVALS_READ
    write_scope = ApiScope.APPROVALS_WRITE
    read_capability = Capability.VIEW
    write_capability = Capability.DECIDE_ON_BEHALF
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = s.OverrideOutputSerializer

    def tenant_queryset(self):
        return visible_rows(self, ApprovalOverride.objects.all(), via="round__requisition__")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.OverrideOutputSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(s.OverrideOutputSerializer(self.get_object()).data)

    @extend_schema(
        tags=["approval overrides"],
        request=s.CancelSerializer,
        responses={
            200: s.OverrideOutputSerializer,
            400: E400,
            **DETAIL_ERRORS,
            404: E404,
            409: error_responses(Code.OVERRIDE_NOT_PENDING, Code.ROUND_NOT_OPEN, Code.STEP_NOT_DUE),
            422: error_responses(Code.SECOND_ADMIN_REQUIRED, "IDEMPOTENCY_KEY_REUSED"),
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """A second admin confirms an executive hire's override; it takes effect now."""
        override = self.get_object()
        data = validated(s.CancelSerializer, request.data)
        confirmed = approval_override_confirm(
            override=override, actor=acting_actor(self, data, person_required=True)
        )
        return Response(s.OverrideOutputSerializer(confirmed).data)

    @extend_schema(
        tags=["approval overrides"],
        request=s.WithdrawSerializer,
        responses={
            200: s.OverrideOutputSerializer,
            400: E400,
            **DETAIL_ERRORS,
            404: E404,
            409: error_responses(Code.OVERRIDE_NOT_PENDING),
            422: _ERRORS_422,
        },
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """An admin turns down an executive hire's override awaiting confirmation (the admin
        who asked may take it back): it never takes effect."""
        override = self.get_object()
        data = validated(s.WithdrawSerializer, request.data)
        rejected = approval_override_reject(
            override=override,
            actor=acting_actor(self, data, person_required=True),
            reason=data.get("reason", ""),
        )
        return Response(s.OverrideOutputSerializer(rejected).data)
