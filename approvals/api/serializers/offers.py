"""Offers, approval policies and the preview over the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field

from approvals.api.serializers.common import (
    ActingUserMixin,
    RoundRefSerializer,
    money_field,
    round_ref,
    scoped,
)
from approvals.models import (
    ApprovalPolicy,
    ApprovalPolicyVersion,
    EmploymentType,
    Offer,
)
from ats_milestones.api import serializers
from ats_milestones.api.serializers import (
    ModelSerializer,
    Serializer,
    TenantRelatedField,
)
from recruiting.models import Application, HireType, Requisition
from tenants.models import Department, RequisitionType

_STAMPS = ("id", "created_at", "updated_at")


# -- offers -----------------------------------------------------------------------------------


class OfferOutputSerializer(ModelSerializer):
    salary_amount = money_field(read_only=True)
    bonus_amount = money_field(read_only=True, allow_null=True)
    custom_fields = serializers.DictField(read_only=True)

    class Meta:
        model = Offer
        fields = (
            *_STAMPS,
            "application",
            "title",
            "salary_amount",
            "salary_currency",
            "bonus_amount",
            "equity",
            "start_date",
            "employment_type",
            "custom_fields",
            "version_number",
            "version",
        )
        read_only_fields = fields


class OfferUpdateSerializer(ActingUserMixin):
    """Any of the terms; a change to a material one voids the open round (see the answer)."""

    title = serializers.CharField(max_length=200, required=False)
    salary_amount = money_field(required=False)
    salary_currency = serializers.RegexField(
        r"^[A-Z]{3}$", required=False, help_text="ISO 4217, e.g. USD."
    )
    bonus_amount = money_field(required=False, allow_null=True)
    equity = serializers.CharField(max_length=200, required=False, allow_blank=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices, required=False)
    custom_fields = serializers.DictField(required=False)


class OfferCreateSerializer(OfferUpdateSerializer):
    application = TenantRelatedField(scoped=scoped(Application))
    title = serializers.CharField(max_length=200)
    salary_amount = money_field()
    salary_currency = serializers.RegexField(r"^[A-Z]{3}$", help_text="ISO 4217, e.g. USD.")


class OfferUpdatedSerializer(OfferOutputSerializer):
    material = serializers.SerializerMethodField()
    voided_round = serializers.SerializerMethodField()
    restarted_round = serializers.SerializerMethodField()

    class Meta(OfferOutputSerializer.Meta):
        fields = (*OfferOutputSerializer.Meta.fields, "material", "voided_round", "restarted_round")
        read_only_fields = fields

    def get_material(self, obj) -> bool:
        """A material field changed: a new offer version."""
        return bool(getattr(obj, "material_change", False))

    @extend_schema_field(RoundRefSerializer(allow_null=True))
    def get_voided_round(self, obj):
        """The round of approval this change voided (null when none was open or approved)."""
        return round_ref(getattr(obj, "voided_round", None))

    @extend_schema_field(RoundRefSerializer(allow_null=True))
    def get_restarted_round(self, obj):
        """The round started in its place (null when no policy applies to the new terms)."""
        return round_ref(getattr(obj, "restarted_round", None))


# -- policies ---------------------------------------------------------------------------------


class PolicyVersionSerializer(ModelSerializer):
    conditions = serializers.DictField(read_only=True)
    steps = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = ApprovalPolicyVersion
        fields = ("id", "number", "conditions", "steps", "created_at")
        read_only_fields = fields


class PolicyOutputSerializer(ModelSerializer):
    current_version = PolicyVersionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ApprovalPolicy
        fields = (
            *_STAMPS,
            "name",
            "subject_kind",
            "position",
            "department",
            "extends",
            "is_active",
            "current_version",
        )
        read_only_fields = fields


_STEPS_HELP = (
    "Ordered steps: {name, approvers: [{role: hiring_manager|recruiter|hrbp|department_head} "
    "| {user: <id>} | {slot: <label>}], quorum: all|any|n_of_m, n, veto: any|majority, "
    "parallel_with_next, condition} (docs/approvals.md)."
)


class PolicyUpdateSerializer(Serializer):
    name = serializers.CharField(max_length=200, required=False)
    steps = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=20,
        required=False,
        help_text=_STEPS_HELP,
    )
    conditions = serializers.DictField(
        required=False, help_text="The condition language over approval facts; {} always holds."
    )
    position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    is_active = serializers.BooleanField(required=False)


class PolicyCreateSerializer(PolicyUpdateSerializer):
    name = serializers.CharField(max_length=200)
    subject_kind = serializers.ChoiceField(
        choices=ApprovalPolicy._meta.get_field("subject_kind").choices
    )
    steps = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=20, help_text=_STEPS_HELP
    )
    department = TenantRelatedField(scoped=scoped(Department), required=False, allow_null=True)
    extends = TenantRelatedField(scoped=scoped(ApprovalPolicy), required=False, allow_null=True)


class PolicyOrderSerializer(Serializer):
    policies = serializers.ListField(
        child=serializers.UUIDField(),
        min_length=1,
        max_length=500,
        help_text="Policy ids in the order they are tried; positions become 10, 20, 30…",
    )


class PreviewInputSerializer(Serializer):
    policy = TenantRelatedField(
        scoped=scoped(ApprovalPolicy),
        required=False,
        allow_null=True,
        help_text="Preview this policy (its current version, or `version`); without it, the "
        "policy that would be chosen.",
    )
    version = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    requisition = TenantRelatedField(
        scoped=scoped(Requisition),
        required=False,
        allow_null=True,
        help_text="A real requisition; or describe a sample with department and requisition_type.",
    )
    department = TenantRelatedField(scoped=scoped(Department), required=False, allow_null=True)
    requisition_type = TenantRelatedField(
        scoped=scoped(RequisitionType), required=False, allow_null=True
    )
    salary_band_min = money_field(required=False, allow_null=True)
    salary_band_max = money_field(required=False, allow_null=True)
    salary_band_currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    hire_type = serializers.ChoiceField(choices=HireType.choices, required=False)
    salary_amount = money_field(required=False)
    salary_currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices, required=False)


class StepPreviewSerializer(Serializer):
    name = serializers.CharField()
    applies = serializers.BooleanField()
    why = serializers.CharField()
    approvers = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    position = serializers.IntegerField()
    parallel_with_next = serializers.BooleanField()
    open_slots = serializers.ListField(
        child=serializers.CharField(), help_text="The requester slots still to fill (labels)."
    )


class ConsideredSerializer(Serializer):
    name = serializers.CharField()
    holds = serializers.BooleanField()
    condition = serializers.CharField()


class PreviewOutputSerializer(Serializer):
    policy_name = serializers.CharField(allow_null=True)
    policy_version = serializers.IntegerField(allow_null=True)
    why = serializers.CharField()
    steps = StepPreviewSerializer(many=True)
    considered = ConsideredSerializer(many=True)


def preview_data(preview) -> dict:
    return {
        "policy_name": preview.policy_name,
        "policy_version": preview.policy_version,
        "why": preview.why,
        "steps": [
            {
                "name": s.name,
                "applies": s.applies,
                "why": s.why,
                "approvers": list(s.approvers),
                "description": s.description,
                "position": s.position,
                "parallel_with_next": s.parallel_with_next,
                "open_slots": list(s.open_slots),
            }
            for s in preview.steps
        ],
        "considered": [
            {"name": name, "holds": holds, "condition": words}
            for name, holds, words in preview.considered
        ],
    }
