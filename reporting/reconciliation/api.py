"""Reconciliation endpoints: the activity import (bulk, idempotent) and the discrepancy
report with its applications."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ats_milestones.api import serializers
from ats_milestones.api.base import TenantScopedAPIView
from ats_milestones.api.schema import E400, E401, E403, E404, E409, E422
from milestones.sensitivity import may_see_sensitive
from reporting.models import Activity, ActivityKind, ActivitySource
from reporting.reconciliation import selectors
from reporting.reconciliation.services import activities_import
from tenants.models import ApiScope
from tenants.permissions import Capability

MAX_ACTIVITIES = 1000


class ActivityInputSerializer(serializers.Serializer):
    application_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    occurred_at = serializers.DateTimeField(help_text="When it happened (ISO-8601, UTC).")
    external_id = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Your system's id for it."
    )


class ActivityBulkInputSerializer(serializers.Serializer):
    activities = ActivityInputSerializer(many=True, max_length=MAX_ACTIVITIES, min_length=1)


class ActivityBulkOutputSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Activities recorded now.")
    unchanged = serializers.IntegerField(
        help_text="Already recorded (same application, kind and time): left as they were."
    )


class RuleSummarySerializer(serializers.Serializer):
    rule = serializers.CharField()
    label = serializers.CharField()
    explanation = serializers.CharField()
    count = serializers.IntegerField()


class DiscrepancyOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The milestone row or activity found wanting.")
    rule = serializers.CharField()
    application_id = serializers.UUIDField()
    candidate_name = serializers.CharField()
    requisition_id = serializers.UUIDField()
    requisition_title = serializers.CharField()
    milestone_code = serializers.CharField(allow_null=True)
    milestone_name = serializers.CharField(allow_null=True)
    milestone_at = serializers.DateTimeField(
        allow_null=True,
        help_text="Interview completed at / offer milestone entered at / offer approved at.",
    )
    activity_at = serializers.DateTimeField(allow_null=True, help_text="Offer letter sent at.")


class _ReconciliationView(TenantScopedAPIView):
    queryset = Activity.all_tenants.none()  # never evaluated; tells schema tools
    read_scope = ApiScope.APPLICATIONS_READ
    read_capability = Capability.VIEW

    def tenant_queryset(self):
        return Activity.objects.all()

    @property
    def sensitive(self) -> bool:
        return self.api_client is not None or may_see_sensitive(self.membership)

    def rows(self, rule):
        membership = None if self.api_client else self.membership
        return selectors.discrepancy_rows(rule, sensitive=self.sensitive, membership=membership)


@extend_schema(tags=["reconciliation"])
class ActivityImportView(_ReconciliationView):
    write_scope = ApiScope.APPLICATIONS_WRITE
    write_capability = Capability.MANAGE_CANDIDATES

    @extend_schema(
        request=ActivityBulkInputSerializer,
        responses={
            201: ActivityBulkOutputSerializer,
            400: E400,
            401: E401,
            403: E403,
            404: E404,
            409: E409,
            422: E422,
        },
        description="Record activities of applications (interviews scheduled and held, "
        "emails, offer letters sent), up to 1,000 per call. Idempotent: an activity already "
        "recorded is left as it is. An application not in your tenant: 404, none recorded.",
    )
    def post(self, request):
        body = ActivityBulkInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = activities_import(
            actor=self.actor, rows=body.validated_data["activities"], source=ActivitySource.API
        )
        return Response(
            {"created": result.created, "unchanged": result.unchanged},
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["reconciliation"])
class ReconciliationSummaryView(_ReconciliationView):
    pagination_class = None  # one row per check, all at once

    @extend_schema(
        responses={200: RuleSummarySerializer(many=True), 401: E401, 403: E403},
        description="Each check of activities against milestone times, with how many "
        "applications fail it.",
    )
    def get(self, request):
        return Response(
            [
                {
                    "rule": rule.code,
                    "label": rule.label,
                    "explanation": rule.explanation,
                    "count": self.rows(rule).count(),
                }
                for rule in selectors.RULES.values()
            ]
        )


@extend_schema(tags=["reconciliation"])
class DiscrepancyListView(_ReconciliationView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "rule", str, required=True, enum=list(selectors.RULES), description="The check."
            )
        ],
        responses={200: DiscrepancyOutputSerializer(many=True), 400: E400, 401: E401, 403: E403},
        description="The applications failing one check, newest first (cursor pages).",
    )
    def get(self, request):
        rule = selectors.RULES.get(request.query_params.get("rule", ""))
        if rule is None:
            raise ValidationError({"rule": [f"One of {', '.join(selectors.RULES)}."]})
        page = self.paginate_queryset(self.rows(rule))
        return self.get_paginated_response(
            DiscrepancyOutputSerializer(
                [selectors.discrepancy_as_dict(rule, row) for row in page], many=True
            ).data
        )
