"""Input and output shapes of the milestone API (snake_case, ISO-8601 UTC, UUID ids)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field

from ats_milestones.api import serializers
from milestones.core import engine
from milestones.models import (
    ApplicationMilestone,
    Framework,
    FrameworkVersion,
    MilestoneDefinition,
    MilestoneKind,
    TerminalKind,
    TransitionCause,
    TransitionKind,
)
from recruiting.models import HireType
from tenants.models import Role

API_CAUSES = [
    (c.value, c.label)
    for c in (
        TransitionCause.MANUAL,
        TransitionCause.SYNC,
        TransitionCause.IMPORT,
        TransitionCause.OVERRIDE,
    )
]

# -- frameworks ----------------------------------------------------------------------------


class FrameworkInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    requisition_type_ids = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list
    )


class FrameworkOutputSerializer(serializers.ModelSerializer):
    requisition_type_ids = serializers.SerializerMethodField()

    class Meta:
        model = Framework
        fields = ["id", "name", "description", "requisition_type_ids", "created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_requisition_type_ids(self, framework) -> list[str]:
        return sorted(str(link.requisition_type_id) for link in framework.type_links.all())


class MilestoneDefinitionInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=MilestoneKind.choices, required=False)
    mandatory = serializers.BooleanField(required=False)
    sla = serializers.DurationField(required=False, allow_null=True)
    gate_conditions = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="[{'type': ..., ...}]"
    )
    bypass_hire_types = serializers.ListField(
        child=serializers.ChoiceField(choices=HireType.choices), required=False
    )
    bypass_approver_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False
    )
    bypass_reason_required = serializers.BooleanField(required=False)
    compliance_tags = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False
    )
    is_sensitive = serializers.BooleanField(required=False)
    hris_status = serializers.CharField(max_length=100, required=False, allow_blank=True)
    terminal_kind = serializers.ChoiceField(choices=TerminalKind.choices, required=False)


class MilestoneDefinitionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = MilestoneDefinition
        fields = [
            "id",
            "code",
            "name",
            "description",
            "kind",
            "order",
            "mandatory",
            "sla",
            "gate_conditions",
            "bypass_hire_types",
            "bypass_approver_roles",
            "bypass_reason_required",
            "compliance_tags",
            "is_sensitive",
            "hris_status",
            "terminal_kind",
        ]


class FrameworkVersionOutputSerializer(serializers.ModelSerializer):
    framework_id = serializers.UUIDField(read_only=True)
    copied_from_id = serializers.UUIDField(read_only=True, allow_null=True)
    pilot_department_ids = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField()

    class Meta:
        model = FrameworkVersion
        fields = [
            "id",
            "framework_id",
            "number",
            "status",
            "copied_from_id",
            "published_at",
            "retired_at",
            "pilot_department_ids",
            "milestones",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_pilot_department_ids(self, version) -> list[str]:
        return sorted(str(link.department_id) for link in version.pilot_links.all())

    @extend_schema_field(MilestoneDefinitionOutputSerializer(many=True))
    def get_milestones(self, version):
        ordered = sorted(version.milestones.all(), key=lambda d: d.order)
        return MilestoneDefinitionOutputSerializer(ordered, many=True).data


class MilestoneSettingsSerializer(serializers.Serializer):
    code_pattern = serializers.CharField(max_length=200)


class ReorderInputSerializer(serializers.Serializer):
    codes = serializers.ListField(child=serializers.CharField(max_length=64), allow_empty=False)


class PilotInputSerializer(serializers.Serializer):
    department_ids = serializers.ListField(child=serializers.UUIDField(), allow_empty=False)


class RequisitionFrameworkVersionSerializer(serializers.Serializer):
    requisition_id = serializers.UUIDField()
    framework_version = FrameworkVersionOutputSerializer(allow_null=True)


# -- progress ------------------------------------------------------------------------------


class ApplicationMilestoneOutputSerializer(serializers.ModelSerializer):
    milestone_id = serializers.UUIDField(read_only=True)
    code = serializers.CharField(source="milestone.code")
    name = serializers.CharField(source="milestone.name")
    order = serializers.IntegerField(source="milestone.order")
    mandatory = serializers.BooleanField(source="milestone.mandatory")
    kind = serializers.CharField(source="milestone.kind")

    class Meta:
        model = ApplicationMilestone
        fields = [
            "id",
            "milestone_id",
            "code",
            "name",
            "order",
            "kind",
            "mandatory",
            "state",
            "entered_at",
            "completed_at",
            "due_at",
            "escalation_level",
        ]


class TransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(engine.ACTIONS))
    to_code = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    # Trigger, escalation and deadline are the system's own causes; callers cannot claim them.
    cause = serializers.ChoiceField(choices=API_CAUSES, default=TransitionCause.MANUAL)


class TransitionOutputSerializer(serializers.Serializer):
    """One move. A plain Serializer (not a ModelSerializer): it answers every move, and
    introspecting the model for each response cost more than the rest of the rendering."""

    id = serializers.UUIDField(read_only=True)
    application_id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=TransitionKind.choices, read_only=True)
    cause = serializers.ChoiceField(choices=TransitionCause.choices, read_only=True)
    from_code = serializers.CharField(
        source="from_milestone.code",
        default=None,
        read_only=True,
        allow_null=True,
        help_text="null for the first move into the framework.",
    )
    to_code = serializers.CharField(
        source="to_milestone.code", default=None, read_only=True, allow_null=True
    )
    actor_user_id = serializers.IntegerField(read_only=True, allow_null=True)
    actor_api_client_id = serializers.UUIDField(read_only=True, allow_null=True)
    actor_role = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    application_version = serializers.IntegerField(read_only=True)

    def to_representation(self, transition) -> dict:
        """The declared fields, by hand: DRF's generic path deep-copies every declared
        field per response, which cost more than a move's SQL. The declared fields stay
        the schema; a test holds both paths to the same output."""
        return {
            "id": str(transition.id),
            "application_id": str(transition.application_id),
            "kind": str(transition.kind),
            "cause": str(transition.cause),
            "from_code": transition.from_milestone.code if transition.from_milestone_id else None,
            "to_code": transition.to_milestone.code if transition.to_milestone_id else None,
            "actor_user_id": transition.actor_user_id,
            "actor_api_client_id": _str_or_none(transition.actor_api_client_id),
            "actor_role": transition.actor_role,
            "reason": transition.reason,
            "at": _TIMESTAMP.to_representation(transition.at),
            "application_version": transition.application_version,
        }


_TIMESTAMP = serializers.DateTimeField()


def _str_or_none(value) -> str | None:
    return None if value is None else str(value)
