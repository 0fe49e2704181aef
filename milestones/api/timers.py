"""Timer configuration over the API: escalation levels, deadline rules, the business calendar."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from ats_milestones.api import serializers
from ats_milestones.api.base import TenantScopedAPIView, TenantScopedViewSet
from ats_milestones.api.schema import E422, ErrorSerializer, error_codes, with_common_errors
from ats_milestones.api.serializers import validated
from milestones import services
from milestones.api.views import CONFIG_409, ERR_404
from milestones.errors import InvalidConfiguration, MilestoneErrorCode
from milestones.models import (
    AlertRecipient,
    DeadlineAction,
    DeadlineRule,
    EscalationRule,
    FrameworkVersion,
    Holiday,
    MilestoneDefinition,
    MilestoneSettings,
)
from milestones.selectors import milestone_settings_get
from milestones.services.versions.escalations import MAX_LEVEL
from tenants.models import ApiScope

TIMER_400 = OpenApiResponse(
    ErrorSerializer,
    description="Invalid input; `fields` names each. " + error_codes("INVALID_INPUT"),
)


TIMER_422 = OpenApiResponse(
    ErrorSerializer,
    description="Only a draft version's rules change. "
    + error_codes(MilestoneErrorCode.VERSION_NOT_EDITABLE),
)


TIMER_WRITE_ERRORS = {400: TIMER_400, 404: ERR_404, 409: CONFIG_409, 422: TIMER_422}


DEADLINE_409 = OpenApiResponse(
    ErrorSerializer,
    description="A concurrent request set the same date first; retry. " + error_codes("CONFLICT"),
)


DEADLINE_422 = OpenApiResponse(
    ErrorSerializer,
    description="A closed application gets no new dates. "
    + error_codes(MilestoneErrorCode.APPLICATION_NOT_ACTIVE, "IDEMPOTENCY_KEY_REUSED"),
)


DEADLINE_WRITE_ERRORS = {400: TIMER_400, 404: ERR_404, 409: DEADLINE_409, 422: DEADLINE_422}


RECIPIENTS = serializers.ListField(
    child=serializers.ChoiceField(choices=AlertRecipient.choices), required=False
)


class EscalationRuleInputSerializer(serializers.Serializer):
    milestone_id = serializers.UUIDField(help_text="A milestone of a draft version (create only).")
    level = serializers.IntegerField(min_value=1, max_value=MAX_LEVEL)
    after = serializers.DurationField(help_text="Time after the stay began, e.g. `2 00:00:00`.")
    business_hours = serializers.BooleanField(required=False)
    notify = serializers.ListField(
        child=serializers.ChoiceField(choices=AlertRecipient.choices), required=False
    )
    mark_overdue = serializers.BooleanField(required=False)


class EscalationRuleOutputSerializer(serializers.ModelSerializer):
    milestone_id = serializers.UUIDField(read_only=True)
    version_id = serializers.UUIDField(source="milestone.version_id", read_only=True)
    milestone_code = serializers.CharField(source="milestone.code", read_only=True)

    class Meta:
        model = EscalationRule
        fields = [
            "id",
            "milestone_id",
            "version_id",
            "milestone_code",
            "level",
            "after",
            "business_hours",
            "notify",
            "mark_overdue",
        ]


FILTERS = [
    OpenApiParameter("milestone_id", str, description="Only the levels of this milestone."),
    OpenApiParameter("version_id", str, description="Only the rules of this version."),
]


@extend_schema(tags=["milestone timers"])
class EscalationRuleViewSet(TenantScopedViewSet):
    """SLA escalation levels per milestone (`config:read` / `config:write`)."""

    queryset = EscalationRule.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    serializer_class = EscalationRuleOutputSerializer

    def tenant_queryset(self):
        rules = EscalationRule.objects.select_related("milestone")
        params = self.request.query_params
        if params.get("milestone_id"):
            rules = rules.filter(milestone_id=_uuid(params["milestone_id"], "milestone_id"))
        if params.get("version_id"):
            rules = rules.filter(milestone__version_id=_uuid(params["version_id"], "version_id"))
        return rules

    @extend_schema(
        parameters=FILTERS,
        responses=with_common_errors(
            {200: EscalationRuleOutputSerializer(many=True)}, {400: TIMER_400}
        ),
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EscalationRuleOutputSerializer(page, many=True).data)

    @extend_schema(
        responses=with_common_errors({200: EscalationRuleOutputSerializer}, {404: ERR_404})
    )
    def retrieve(self, request, pk=None):
        return Response(EscalationRuleOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=EscalationRuleInputSerializer,
        responses=with_common_errors({201: EscalationRuleOutputSerializer}, TIMER_WRITE_ERRORS),
    )
    def create(self, request):
        data = validated(EscalationRuleInputSerializer, request.data)
        milestone = MilestoneDefinition.objects.filter(pk=data.pop("milestone_id")).first()
        if milestone is None:
            raise _invalid("milestone_id", "no such milestone")
        rule = services.escalation_rule_create(milestone=milestone, **data)
        return Response(EscalationRuleOutputSerializer(rule).data, status=201)

    @extend_schema(
        request=EscalationRuleInputSerializer(partial=True),
        responses=with_common_errors({200: EscalationRuleOutputSerializer}, TIMER_WRITE_ERRORS),
    )
    def partial_update(self, request, pk=None):
        rule = self.get_object()
        data = validated(EscalationRuleInputSerializer, request.data, partial=True)
        if "milestone_id" in data:
            raise _invalid("milestone_id", "a level stays with its milestone")
        rule = services.escalation_rule_update(rule=rule, **data)
        return Response(EscalationRuleOutputSerializer(rule).data)

    @extend_schema(responses=with_common_errors({204: None}, {404: ERR_404, 422: TIMER_422}))
    def destroy(self, request, pk=None):
        services.escalation_rule_delete(rule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _invalid(field: str, message: str):
    return InvalidConfiguration(message, fields={field: [message]})


def _uuid(value: str, field: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        raise _invalid(field, "not a UUID") from None


class DeadlineRuleInputSerializer(serializers.Serializer):
    version_id = serializers.UUIDField(help_text="A draft version (create only).")
    name = serializers.CharField(max_length=200)
    deadline_kind = serializers.CharField(max_length=100, help_text="e.g. `offer_expires_at`")
    offset = serializers.DurationField(help_text="Negative fires before the date: `-2 00:00:00`.")
    action = serializers.ChoiceField(choices=DeadlineAction.choices)
    move_to_code = serializers.CharField(max_length=64, required=False, allow_blank=True)
    notify = serializers.ListField(
        child=serializers.ChoiceField(choices=AlertRecipient.choices), required=False
    )


class DeadlineRuleOutputSerializer(serializers.ModelSerializer):
    version_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = DeadlineRule
        fields = [
            "id",
            "version_id",
            "name",
            "deadline_kind",
            "offset",
            "action",
            "move_to_code",
            "notify",
        ]


@extend_schema(tags=["milestone timers"])
class DeadlineRuleViewSet(TenantScopedViewSet):
    """Deadline rules of versions (`config:read` / `config:write`)."""

    queryset = DeadlineRule.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    serializer_class = DeadlineRuleOutputSerializer

    def tenant_queryset(self):
        rules = DeadlineRule.objects.all()
        if self.request.query_params.get("version_id"):
            version_id = _uuid(self.request.query_params["version_id"], "version_id")
            rules = rules.filter(version_id=version_id)
        return rules

    @extend_schema(
        parameters=FILTERS[1:],
        responses=with_common_errors(
            {200: DeadlineRuleOutputSerializer(many=True)}, {400: TIMER_400}
        ),
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DeadlineRuleOutputSerializer(page, many=True).data)

    @extend_schema(
        responses=with_common_errors({200: DeadlineRuleOutputSerializer}, {404: ERR_404})
    )
    def retrieve(self, request, pk=None):
        return Response(DeadlineRuleOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=DeadlineRuleInputSerializer,
        responses=with_common_errors({201: DeadlineRuleOutputSerializer}, TIMER_WRITE_ERRORS),
    )
    def create(self, request):
        data = validated(DeadlineRuleInputSerializer, request.data)
        version = FrameworkVersion.objects.filter(pk=data.pop("version_id")).first()
        if version is None:
            raise _invalid("version_id", "no such version")
        rule = services.deadline_rule_create(version=version, **data)
        return Response(DeadlineRuleOutputSerializer(rule).data, status=201)

    @extend_schema(
        request=DeadlineRuleInputSerializer(partial=True),
        responses=with_common_errors({200: DeadlineRuleOutputSerializer}, TIMER_WRITE_ERRORS),
    )
    def partial_update(self, request, pk=None):
        rule = self.get_object()
        data = validated(DeadlineRuleInputSerializer, request.data, partial=True)
        if "version_id" in data:
            raise _invalid("version_id", "a rule stays with its version")
        rule = services.deadline_rule_update(rule=rule, **data)
        return Response(DeadlineRuleOutputSerializer(rule).data)

    @extend_schema(responses=with_common_errors({204: None}, {404: ERR_404, 422: TIMER_422}))
    def destroy(self, request, pk=None):
        services.deadline_rule_delete(rule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class BusinessHoursSerializer(serializers.Serializer):
    business_timezone = serializers.CharField(max_length=64, required=False)
    business_day_start = serializers.TimeField(required=False)
    business_day_end = serializers.TimeField(required=False)
    business_weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7), required=False
    )


@extend_schema(tags=["milestone timers"])
class BusinessHoursView(TenantScopedAPIView):
    """When escalation levels that count business hours count them."""

    queryset = MilestoneSettings.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE

    def tenant_queryset(self):
        return MilestoneSettings.objects.all()

    @extend_schema(responses=with_common_errors({200: BusinessHoursSerializer}))
    def get(self, request):
        return Response(BusinessHoursSerializer(milestone_settings_get()).data)

    @extend_schema(
        request=BusinessHoursSerializer,
        responses=with_common_errors(
            {200: BusinessHoursSerializer}, {400: TIMER_400, 404: ERR_404, 409: CONFIG_409}
        ),
    )
    def patch(self, request):
        data = validated(BusinessHoursSerializer, request.data)
        settings = services.business_hours_update(**data)
        return Response(BusinessHoursSerializer(settings).data)


class HolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Holiday
        fields = ["id", "date", "name"]
        read_only_fields = ["id"]


@extend_schema(tags=["milestone timers"])
class HolidayViewSet(TenantScopedViewSet):
    """The tenant's holiday calendar: no business hours count on these days."""

    queryset = Holiday.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    serializer_class = HolidaySerializer

    def tenant_queryset(self):
        return Holiday.objects.all()

    @extend_schema(responses=with_common_errors({200: HolidaySerializer(many=True)}))
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(HolidaySerializer(page, many=True).data)

    @extend_schema(responses=with_common_errors({200: HolidaySerializer}, {404: ERR_404}))
    def retrieve(self, request, pk=None):
        return Response(HolidaySerializer(self.get_object()).data)

    @extend_schema(
        request=HolidaySerializer,
        responses=with_common_errors(
            {201: HolidaySerializer}, {400: TIMER_400, 409: CONFIG_409, 422: E422}
        ),
    )
    def create(self, request):
        data = validated(HolidaySerializer, request.data)
        holiday = services.holiday_create(date=data["date"], name=data["name"])
        return Response(HolidaySerializer(holiday).data, status=201)

    @extend_schema(responses=with_common_errors({204: None}, {404: ERR_404}))
    def destroy(self, request, pk=None):
        services.holiday_delete(holiday=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
