"""An application's own dates (offer_expires_at, ...) over the API: set, listed, cleared."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from ats_milestones.api import serializers
from ats_milestones.api.base import TenantScopedAPIView
from ats_milestones.api.schema import with_common_errors
from ats_milestones.api.serializers import validated
from milestones import services
from milestones.api.timers import DEADLINE_WRITE_ERRORS
from milestones.api.views import ERR_404
from milestones.models import (
    ApplicationDeadline,
)
from recruiting.models import Application
from recruiting.selectors import applications_visible
from tenants.models import ApiScope
from tenants.permissions import Capability


class DeadlineFiringSerializer(serializers.Serializer):
    rule_id = serializers.UUIDField()
    rule_name = serializers.CharField(source="rule.name")
    action = serializers.CharField(source="rule.action")
    fires_at = serializers.DateTimeField()
    fired_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()


class ApplicationDeadlineSerializer(serializers.ModelSerializer):
    firings = DeadlineFiringSerializer(many=True, read_only=True)

    class Meta:
        model = ApplicationDeadline
        fields = ["kind", "at", "firings"]


class DeadlineSetSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=100, help_text="e.g. `offer_expires_at`")
    at = serializers.DateTimeField()


class DeadlineAtSerializer(serializers.Serializer):
    at = serializers.DateTimeField()


class _ApplicationDeadlineView(TenantScopedAPIView):
    queryset = Application.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.APPLICATIONS_READ
    write_scope = ApiScope.APPLICATIONS_WRITE
    write_capability = Capability.MOVE

    def tenant_queryset(self):
        return applications_visible(
            Application.objects.select_related("requisition"), membership=self.viewer
        )

    def _set(self, application, kind, at):
        deadline = services.application_deadline_set(
            application=application, kind=kind, at=at, actor=self.actor
        )
        deadline = services.application_deadline_list(application=application).get(pk=deadline.pk)
        return Response(ApplicationDeadlineSerializer(deadline).data)


@extend_schema(tags=["milestones"])
class ApplicationDeadlinesView(_ApplicationDeadlineView):
    """The application's dates (offer expires at, ...) and the firings they scheduled."""

    pagination_class = None  # one array: an application has a date per kind, a handful

    @extend_schema(
        responses=with_common_errors(
            {200: ApplicationDeadlineSerializer(many=True)}, {404: ERR_404}
        )
    )
    def get(self, request, pk):
        application = self.get_object()
        rows = services.application_deadline_list(application=application)
        return Response(ApplicationDeadlineSerializer(rows, many=True).data)

    @extend_schema(
        request=DeadlineSetSerializer,
        responses=with_common_errors({200: ApplicationDeadlineSerializer}, DEADLINE_WRITE_ERRORS),
        description="Set or move the date of `kind`: one firing per deadline rule of the "
        "application's version; firings not yet fired move with the date.",
    )
    def post(self, request, pk):
        application = self.get_object()
        data = validated(DeadlineSetSerializer, request.data)
        return self._set(application, data["kind"], data["at"])


@extend_schema(tags=["milestones"])
class ApplicationDeadlineView(_ApplicationDeadlineView):
    """One date of the application, by kind."""

    @extend_schema(
        request=DeadlineAtSerializer,
        responses=with_common_errors({200: ApplicationDeadlineSerializer}, DEADLINE_WRITE_ERRORS),
    )
    def put(self, request, pk, kind):
        application = self.get_object()
        data = validated(DeadlineAtSerializer, request.data)
        return self._set(application, kind, data["at"])

    @extend_schema(responses=with_common_errors({204: None}, {404: ERR_404}))
    def delete(self, request, pk, kind):
        application = self.get_object()
        get_object_or_404(ApplicationDeadline.objects.filter(application=application), kind=kind)
        services.application_deadline_clear(application=application, kind=kind, actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
