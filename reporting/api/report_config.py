"""What a tenant configures of its reports: the regression alerts and the misclick window
(`configure_workflows`; clients with `config:read` / `config:write`)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from ats_milestones.api.base import TenantScopedAPIView, TenantScopedViewSet
from ats_milestones.api.schema import E400, E401, E403, E404, E409, ErrorSerializer
from ats_milestones.api.serializers import validated
from ats_milestones.errors import InvalidReference
from milestones.models import MilestoneDefinition
from reporting import services
from reporting.api import report_serializers as s
from reporting.models import RegressionAlert, ReportingSettings
from tenants.models import ApiScope
from tenants.permissions import Capability

_RESERVED_422 = OpenApiResponse(
    ErrorSerializer, description="Not answered by this operation today (422 reserved)."
)


def _milestone(field: str, pk) -> MilestoneDefinition:
    milestone = MilestoneDefinition.objects.filter(pk=pk).first()
    if milestone is None:
        raise InvalidReference(f"no milestone {pk}", fields={field: ["No such milestone."]})
    return milestone


@extend_schema(tags=["reports"])
class RegressionAlertViewSet(TenantScopedViewSet):
    """Regressions the requisition's recruiter and hiring manager hear of at once."""

    queryset = RegressionAlert.all_tenants.none()  # never evaluated; tells schema tools
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    read_capability = Capability.VIEW
    write_capability = Capability.CONFIGURE_WORKFLOWS
    serializer_class = s.RegressionAlertOutputSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def tenant_queryset(self):
        return RegressionAlert.objects.select_related("from_milestone", "to_milestone")

    @extend_schema(
        responses={
            200: s.RegressionAlertOutputSerializer(many=True),
            400: E400,
            401: E401,
            403: E403,
        }
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.RegressionAlertOutputSerializer(page, many=True).data)

    @extend_schema(
        responses={200: s.RegressionAlertOutputSerializer, 401: E401, 403: E403, 404: E404}
    )
    def retrieve(self, request, pk=None):
        return Response(s.RegressionAlertOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=s.RegressionAlertInputSerializer,
        responses={
            201: s.RegressionAlertOutputSerializer,
            400: E400,
            401: E401,
            403: E403,
            409: E409,
            422: _RESERVED_422,
        },
        description="Alert on moves from `from_milestone_id` back to `to_milestone_id` (an "
        "earlier milestone of the same version). 409 DUPLICATE_REGRESSION_ALERT if it exists.",
    )
    def create(self, request):
        data = validated(s.RegressionAlertInputSerializer, request.data)
        alert = services.regression_alert_create(
            from_milestone=_milestone("from_milestone_id", data["from_milestone_id"]),
            to_milestone=_milestone("to_milestone_id", data["to_milestone_id"]),
            actor=self.actor,
        )
        return Response(
            s.RegressionAlertOutputSerializer(alert).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=s.RegressionAlertUpdateSerializer,
        responses={
            200: s.RegressionAlertOutputSerializer,
            400: E400,
            401: E401,
            403: E403,
            404: E404,
            409: E409,
        },
        description="Switch an alert off (`is_active: false`) or on again.",
    )
    def partial_update(self, request, pk=None):
        alert = self.get_object()
        data = validated(s.RegressionAlertUpdateSerializer, request.data)
        alert = services.regression_alert_update(
            alert=alert, is_active=data["is_active"], actor=self.actor
        )
        return Response(s.RegressionAlertOutputSerializer(alert).data)


@extend_schema(tags=["reports"])
class ReportingSettingsView(TenantScopedAPIView):
    """The misclick window: a move undone within it is not counted as a stay."""

    queryset = ReportingSettings.all_tenants.none()  # never evaluated; tells schema tools
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    read_capability = Capability.VIEW
    write_capability = Capability.CONFIGURE_WORKFLOWS

    def tenant_queryset(self):
        return ReportingSettings.objects.all()

    @extend_schema(responses={200: s.ReportingSettingsSerializer, 401: E401, 403: E403})
    def get(self, request):
        return Response(s.ReportingSettingsSerializer(services.reporting_settings_get()).data)

    @extend_schema(
        request=s.ReportingSettingsSerializer,
        responses={
            200: s.ReportingSettingsSerializer,
            400: E400,
            401: E401,
            403: E403,
            404: E404,
            409: E409,
        },
        description="Applies to moves from now on; `manage.py reporting_stays_rebuild` "
        "applies it to the history.",
    )
    def patch(self, request):
        data = validated(s.ReportingSettingsSerializer, request.data)
        settings = services.reporting_settings_update(
            misclick_window_seconds=data["misclick_window_seconds"], actor=self.actor
        )
        return Response(s.ReportingSettingsSerializer(settings).data)
