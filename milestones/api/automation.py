"""Automation API: events from other systems, and the automation rules of a version."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ats_milestones.api import serializers
from ats_milestones.api.base import TenantScopedViewSet
from ats_milestones.api.schema import E404, ErrorSerializer, error_codes, with_common_errors
from ats_milestones.api.serializers import validated
from ats_milestones.errors import InvalidReference, NotFound
from milestones import services
from milestones.api.views import CONFIG_WRITE_ERRORS, ERR_400
from milestones.errors import MilestoneErrorCode
from milestones.models import (
    AlertRecipient,
    ApplicationEvent,
    AutomationRule,
    AutomationRuleKind,
    FrameworkVersion,
)
from recruiting.models import Application
from recruiting.selectors import applications_visible
from tenants.models import ApiScope

Code = MilestoneErrorCode
EVENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

# -- serializers ---------------------------------------------------------------------------


class EventInputSerializer(serializers.Serializer):
    application_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    application_external_id = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    event_type = serializers.RegexField(
        EVENT_TYPE,
        max_length=100,
        help_text="e.g. `assessment.completed`, `offer.accepted`, or a type of your own "
        "(lower case, digits, `.`, `_`, `-`).",
    )
    occurred_at = serializers.DateTimeField()
    payload = serializers.DictField(required=False, default=dict)
    idempotency_id = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        help_text="Your unique id of this event; falls back to the Idempotency-Key header.",
    )

    def validate(self, data):
        if bool(data["application_id"]) == bool(data["application_external_id"]):
            raise ValidationError(
                {"application_id": ["give application_id or application_external_id, not both"]}
            )
        return data


class EventOutputSerializer(serializers.ModelSerializer):
    application_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = ApplicationEvent
        fields = [
            "id",
            "application_id",
            "event_type",
            "idempotency_id",
            "occurred_at",
            "payload",
            "processed_at",
            "outcome",
            "created_at",
        ]


class AutomationRuleInputSerializer(serializers.Serializer):
    version_id = serializers.UUIDField(help_text="The draft version the rule belongs to.")
    kind = serializers.ChoiceField(choices=AutomationRuleKind.choices)
    name = serializers.CharField(max_length=200)
    milestone_code = serializers.CharField(max_length=64)
    event_type = serializers.CharField(max_length=100, required=False, allow_blank=True)
    conditions = serializers.JSONField(
        required=False, help_text="The JSON condition language; see docs/automation.md."
    )
    alert_recipients = serializers.ListField(
        child=serializers.ChoiceField(choices=AlertRecipient.choices), required=False
    )
    order = serializers.IntegerField(min_value=0, required=False)
    is_enabled = serializers.BooleanField(required=False)


class AutomationRuleOutputSerializer(serializers.ModelSerializer):
    version_id = serializers.UUIDField(read_only=True)
    milestone_code = serializers.CharField(source="milestone.code", read_only=True)

    class Meta:
        model = AutomationRule
        fields = [
            "id",
            "version_id",
            "kind",
            "name",
            "milestone_code",
            "event_type",
            "conditions",
            "alert_recipients",
            "order",
            "is_enabled",
            "created_at",
            "updated_at",
        ]


# -- events --------------------------------------------------------------------------------

APPLICATION_ID = OpenApiParameter("application_id", str, description="Only this application's.")
EVENT_POST_ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description="Invalid input; `fields` names each. The application is not in your "
        "tenant: `fields` names `application_id` or `application_external_id`. "
        + error_codes("VALIDATION_ERROR"),
    ),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The idempotency id was stored for another application or event type. "
        + error_codes(Code.IDEMPOTENCY_CONFLICT),
    ),
    422: OpenApiResponse(
        ErrorSerializer,
        description="Not answered for a rule that cannot act: such a move is recorded as an "
        "automation failure and reported in the event's `outcome`.",
    ),
}


@extend_schema(tags=["automation"])
class EventViewSet(TenantScopedViewSet):
    """Events about applications from other systems (`events:write` to send,
    `applications:read` to read). Each is stored once per `idempotency_id`, then the
    automation rules of the application's framework version run on it at once."""

    queryset = ApplicationEvent.all_tenants.none()  # never evaluated; tells schema tools
    read_scope = ApiScope.APPLICATIONS_READ
    write_scope = ApiScope.EVENTS_WRITE
    serializer_class = EventOutputSerializer

    def tenant_queryset(self):
        return ApplicationEvent.objects.all()

    @extend_schema(
        parameters=[APPLICATION_ID],
        responses=with_common_errors(
            {200: EventOutputSerializer(many=True)}, {400: ERR_400, 404: E404}
        ),
    )
    def list(self, request):
        events = self.get_queryset()
        application_id = request.query_params.get("application_id")
        if application_id:
            application = self._application(application_id, field="application_id")
            events = events.filter(application=application)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventOutputSerializer(page, many=True).data)

    @extend_schema(responses=with_common_errors({200: EventOutputSerializer}, {404: E404}))
    def retrieve(self, request, pk=None):
        return Response(EventOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=EventInputSerializer,
        responses=with_common_errors(
            {
                201: OpenApiResponse(EventOutputSerializer, description="Stored and evaluated."),
                200: OpenApiResponse(
                    EventOutputSerializer,
                    description="A replay of a stored idempotency id: the stored event, "
                    "nothing changed.",
                ),
            },
            EVENT_POST_ERRORS,
        ),
    )
    def create(self, request):
        data = validated(EventInputSerializer, request.data)
        idempotency_id = data["idempotency_id"] or request.headers.get("Idempotency-Key", "")
        if not idempotency_id:
            raise ValidationError({"idempotency_id": ["required (or an Idempotency-Key header)"]})
        if data["application_id"]:
            self._application(str(data["application_id"]), field="application_id", in_body=True)
        event, created = services.application_event_receive(
            application_id=data["application_id"],
            application_external_id=data["application_external_id"] or None,
            event_type=data["event_type"],
            occurred_at=data["occurred_at"],
            payload=data["payload"],
            idempotency_id=idempotency_id,
            api_client_id=getattr(self.api_client, "pk", None),
        )
        return Response(
            EventOutputSerializer(event).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _application(self, application_id: str, *, field: str, in_body=False) -> Application:
        try:
            application = applications_visible(
                Application.objects.filter(pk=application_id), membership=self.viewer
            ).first()
        except DjangoValidationError:
            raise ValidationError({field: ["must be a UUID"]}) from None
        if application is None:
            self.record_denied_lookup(model=Application, object_id=application_id)
            # An id in a body is a 400 naming it, like every body reference; in a filter, 404.
            error = InvalidReference if in_body else NotFound
            raise error("no such application in your tenant", fields={field: ["not found"]})
        return application


# -- rules ---------------------------------------------------------------------------------

VERSION_ID = OpenApiParameter("version_id", str, description="Only this version's rules.")
RULE_400 = OpenApiResponse(
    ErrorSerializer,
    description="Invalid rule; `fields` names each bad field, a bad condition by its path "
    "(e.g. `conditions.all[1].op`). "
    + error_codes("VALIDATION_ERROR", "INVALID_INPUT", Code.INVALID_CONDITION),
)
RULE_WRITE_ERRORS = {**CONFIG_WRITE_ERRORS, 400: RULE_400}


@extend_schema(tags=["automation"])
class AutomationRuleViewSet(TenantScopedViewSet):
    """Auto-advance and skip rules of framework versions (`config:read` /
    `config:write`). Only a draft version's rules change."""

    queryset = AutomationRule.all_tenants.none()  # never evaluated; tells schema tools
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    serializer_class = AutomationRuleOutputSerializer

    def tenant_queryset(self):
        return AutomationRule.objects.select_related("milestone")

    @extend_schema(
        parameters=[VERSION_ID],
        responses=with_common_errors(
            {200: AutomationRuleOutputSerializer(many=True)}, {400: ERR_400, 404: E404}
        ),
    )
    def list(self, request):
        rules = self.get_queryset()
        version_id = request.query_params.get("version_id")
        if version_id:
            rules = rules.filter(version=self._version(version_id))
        page = self.paginate_queryset(rules)
        return self.get_paginated_response(AutomationRuleOutputSerializer(page, many=True).data)

    @extend_schema(responses=with_common_errors({200: AutomationRuleOutputSerializer}, {404: E404}))
    def retrieve(self, request, pk=None):
        return Response(AutomationRuleOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=AutomationRuleInputSerializer,
        responses=with_common_errors({201: AutomationRuleOutputSerializer}, RULE_WRITE_ERRORS),
    )
    def create(self, request):
        data = validated(AutomationRuleInputSerializer, request.data)
        version = self._version(str(data.pop("version_id")), in_body=True)
        rule = services.automation_rule_create(version=version, **data)
        return Response(AutomationRuleOutputSerializer(rule).data, status=201)

    @extend_schema(
        request=AutomationRuleInputSerializer(partial=True),
        responses=with_common_errors({200: AutomationRuleOutputSerializer}, RULE_WRITE_ERRORS),
    )
    def partial_update(self, request, pk=None):
        rule = self.get_object()
        data = validated(AutomationRuleInputSerializer, request.data, partial=True)
        if "version_id" in data and data.pop("version_id") != rule.version_id:
            raise ValidationError({"version_id": ["a rule cannot move to another version"]})
        rule = services.automation_rule_update(rule=rule, **data)
        return Response(AutomationRuleOutputSerializer(rule).data)

    @extend_schema(
        responses=with_common_errors(
            {204: None},
            {
                404: E404,
                422: OpenApiResponse(
                    ErrorSerializer, description=error_codes(Code.VERSION_NOT_EDITABLE)
                ),
            },
        )
    )
    def destroy(self, request, pk=None):
        services.automation_rule_delete(rule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _version(self, version_id: str, *, in_body=False) -> FrameworkVersion:
        try:
            version = FrameworkVersion.objects.filter(pk=version_id).first()
        except DjangoValidationError:
            raise ValidationError({"version_id": ["must be a UUID"]}) from None
        if version is None:
            error = InvalidReference if in_body else NotFound
            raise error(
                "no such framework version in your tenant", fields={"version_id": ["not found"]}
            )
        return version
