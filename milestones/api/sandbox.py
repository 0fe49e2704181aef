"""Sandbox API: run a version's rules on a scenario, and read a run back."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from ats_milestones.api import serializers
from ats_milestones.api.base import TenantScopedViewSet
from ats_milestones.api.schema import E401, E403, E404, E422, ErrorSerializer
from milestones.core.simulation import STEP_KINDS
from milestones.errors import MilestoneErrorCode as Code
from milestones.models import SandboxRun
from tenants.models import ApiScope


class SandboxScenarioSerializer(serializers.Serializer):
    """The scenario (validated by the service, which names a bad field by its path)."""

    clock_start = serializers.DateTimeField(
        required=False, help_text="When the simulation starts (default: now)."
    )
    clock_end = serializers.DateTimeField(help_text="When the simulated clock stops.")
    applications = serializers.ListField(
        child=serializers.DictField(),
        help_text='Hypothetical: `{"key", "hire_type", "source", "facts": {...}, '
        '"deadlines": {"offer_expires_at": "..."}}`, starting at the first milestone. '
        'Real: `{"application_id", "key"?, "deadlines"?}`, placed in this version by the '
        "codes of its milestones; it is read, never changed.",
    )
    events = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text='`{"application": <key>, "event_type", "occurred_at", "payload": {...}}`',
    )


class SandboxRuleSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class SandboxStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    application = serializers.CharField(help_text="The application's key in the scenario.")
    kind = serializers.ChoiceField(choices=STEP_KINDS)
    rule = SandboxRuleSerializer()
    from_code = serializers.CharField(allow_null=True)
    to_code = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    error_code = serializers.CharField(required=False, help_text="Only on a failure.")


class SandboxRunOutputSerializer(serializers.ModelSerializer):
    version_id = serializers.UUIDField(read_only=True)
    created_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    steps = SandboxStepSerializer(many=True, source="result.steps", read_only=True)

    class Meta:
        model = SandboxRun
        fields = ["id", "version_id", "created_by_id", "scenario", "steps", "created_at"]


class SandboxRunSummarySerializer(serializers.ModelSerializer):
    """A run in a version's list: what it found, without the scenario and the steps (read
    those with `GET /api/v1/sandbox_runs/{id}`)."""

    version_id = serializers.UUIDField(read_only=True)
    created_by_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The user who ran it; null for an API client."
    )
    step_count = serializers.IntegerField(read_only=True)
    steps_by_kind = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text='How many steps of each kind, e.g. `{"auto_advance": 2, "deadline": 1}`; '
        "a kind without steps is left out.",
    )

    class Meta:
        model = SandboxRun
        fields = ["id", "version_id", "created_by_id", "created_at", "step_count", "steps_by_kind"]


SANDBOX_400 = OpenApiResponse(
    ErrorSerializer,
    description="The scenario cannot be run; `fields` names the bad part by its path, e.g. "
    "`events[2].occurred_at`, `applications[0].key`, or `applications[0].application_id` for "
    "a real application that is not in your tenant. Error codes: `VALIDATION_ERROR`, "
    f"`{Code.INVALID_SCENARIO}`.",
)
SANDBOX_404 = OpenApiResponse(
    ErrorSerializer,
    description="The version is not in your tenant. Error codes: `NOT_FOUND`.",
)
SANDBOX_409 = OpenApiResponse(
    ErrorSerializer,
    description="Not answered by this operation (409 reserved): a run conflicts with nothing.",
)
SANDBOX_RUN_ERRORS = {400: SANDBOX_400, 404: SANDBOX_404, 409: SANDBOX_409, 422: E422}


@extend_schema(tags=["automation"])
class SandboxRunViewSet(TenantScopedViewSet):
    """Sandbox runs of your tenant (`config:read`); start one with
    `POST /api/v1/framework_versions/{id}/sandbox_runs`."""

    queryset = SandboxRun.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    serializer_class = SandboxRunOutputSerializer

    def tenant_queryset(self):
        return SandboxRun.objects.all()

    @extend_schema(responses={200: SandboxRunOutputSerializer, 401: E401, 403: E403, 404: E404})
    def retrieve(self, request, pk=None):
        return Response(SandboxRunOutputSerializer(self.get_object()).data)
