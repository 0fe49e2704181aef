"""Approval requests with their steps and decisions, pending items, delegations and
overrides over the API."""

from __future__ import annotations

from approvals.api.serializers.common import (
    ACTING_USER_HELP,
    DECISION_CHOICES,
    ActingUserMixin,
    scoped,
)
from approvals.models import (
    ApprovalAssignment,
    ApprovalDelegation,
    ApprovalOverride,
    ApprovalRound,
    ApprovalStep,
    Offer,
)
from approvals.selectors import status_words
from ats_milestones.api import serializers
from ats_milestones.api.serializers import (
    ModelSerializer,
    Serializer,
    TenantRelatedField,
    TenantUserField,
)
from recruiting.models import Application, Requisition
from tenants.people import person_name

_STAMPS = ("id", "created_at", "updated_at")


# -- requests, steps, decisions ---------------------------------------------------------------


class DecisionOutputSerializer(ModelSerializer):
    approver_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()
    on_behalf_of = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalAssignment
        fields = (
            "id",
            "approver",
            "approver_name",
            "source",
            "decision",
            "comment",
            "reason",
            "decided_at",
            "decided_by",
            "decided_by_name",
            "on_behalf_of",
        )
        read_only_fields = fields

    def get_approver_name(self, obj) -> str:
        return person_name(obj.approver) or ""

    def get_decided_by_name(self, obj) -> str | None:
        return person_name(obj.decided_by)

    def get_on_behalf_of(self, obj) -> str | None:
        """ "on behalf of <approver>" when someone else (a delegate, an admin) decided."""
        if obj.decided_by_id is None or obj.decided_by_id == obj.approver_id:
            return None
        return f"on behalf of {person_name(obj.approver)}"


class StepOutputSerializer(ModelSerializer):
    decisions = DecisionOutputSerializer(many=True, read_only=True, source="assignments")

    class Meta:
        model = ApprovalStep
        fields = (
            "id",
            "index",
            "position",
            "name",
            "quorum",
            "quorum_n",
            "veto",
            "status",
            "skipped_reason",
            "due_at",
            "resolved_at",
            "decisions",
        )
        read_only_fields = fields


class RoundOutputSerializer(ModelSerializer):
    status_text = serializers.SerializerMethodField()
    policy_name = serializers.SerializerMethodField()
    policy_version_number = serializers.SerializerMethodField()
    offer_version_number = serializers.SerializerMethodField()
    steps = StepOutputSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalRound
        fields = (
            *_STAMPS,
            "subject_kind",
            "requisition",
            "application",
            "offer",
            "offer_version_number",
            "milestone_code",
            "number",
            "policy_name",
            "policy_version_number",
            "status",
            "status_text",
            "step_count",
            "current_position",
            "requested_by",
            "requested_at",
            "finished_at",
            "outcome_reason",
            "version",
            "steps",
        )
        read_only_fields = fields

    def get_status_text(self, obj) -> str:
        """In words, e.g. "Awaiting approval: step 2 of 3 (HRBP)"."""
        due = [s for s in obj.steps.all() if s.status == "due"]
        return status_words(obj, [s.name for s in due], [s.position for s in due])

    def get_policy_name(self, obj) -> str:
        return obj.policy_version.policy.name

    def get_policy_version_number(self, obj) -> int:
        return obj.policy_version.number

    def get_offer_version_number(self, obj) -> int | None:
        return obj.offer_version.number if obj.offer_version_id else None


class RoundCreateSerializer(ActingUserMixin):
    offer = TenantRelatedField(
        scoped=scoped(Offer), required=False, allow_null=True, help_text="Approve this offer."
    )
    requisition = TenantRelatedField(
        scoped=scoped(Requisition),
        required=False,
        allow_null=True,
        help_text="Approve the opening of this requisition.",
    )
    application = TenantRelatedField(
        scoped=scoped(Application),
        required=False,
        allow_null=True,
        help_text="With milestone_code: approve this stage-gated milestone.",
    )
    milestone_code = serializers.CharField(max_length=64, required=False, allow_blank=True)
    slots = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        help_text="Slot label -> user id, for steps whose approver the requester names.",
    )

    def validate(self, attrs):
        named = [k for k in ("offer", "requisition", "application") if attrs.get(k)]
        if len(named) != 1:
            raise serializers.ValidationError(
                {"offer": ["Name exactly one of offer, requisition, application."]}
            )
        if attrs.get("application") and not attrs.get("milestone_code"):
            raise serializers.ValidationError({"milestone_code": ["Required with application."]})
        return attrs


class WithdrawSerializer(ActingUserMixin):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ActingUserIdField(TenantUserField):
    """`acting_user` as an id only (its range checked, no query): the decision's locking read
    looks the person up and refuses one without a membership in the tenant, naming this
    field (`approval_decide`)."""

    def to_internal_value(self, data):
        return self.pk_field.run_validation(data)


class DecisionInputSerializer(ActingUserMixin):
    acting_user = ActingUserIdField(
        required=False,
        allow_null=True,
        help_text=ACTING_USER_HELP,
    )
    decision = serializers.ChoiceField(choices=DECISION_CHOICES)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    reason = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, help_text="Required to decline."
    )
    step = TenantRelatedField(
        scoped=scoped(ApprovalStep),
        required=False,
        allow_null=True,
        help_text="The step to decide, when you approve in more than one.",
    )


# -- pending for a user -----------------------------------------------------------------------


class PendingItemSerializer(Serializer):
    assignment = serializers.UUIDField(source="pk")
    approval_request = serializers.UUIDField(source="round_id")
    approval_request_version = serializers.IntegerField(source="round.version")
    step = serializers.UUIDField(source="step_id")
    step_name = serializers.CharField(source="step.name")
    step_position = serializers.IntegerField(source="step.position")
    step_count = serializers.IntegerField(source="round.step_count")
    subject_kind = serializers.CharField(source="round.subject_kind")
    requisition = serializers.UUIDField(source="round.requisition_id")
    requisition_title = serializers.CharField(source="round.requisition.title")
    application = serializers.UUIDField(source="round.application_id", allow_null=True)
    offer = serializers.UUIDField(source="round.offer_id", allow_null=True)
    candidate_name = serializers.SerializerMethodField()
    due_since = serializers.DateTimeField(source="step.due_at", allow_null=True)
    approver = serializers.IntegerField(source="approver_id")
    on_behalf_of = serializers.SerializerMethodField()
    decision = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_candidate_name(self, obj) -> str | None:
        application = obj.round.application
        return application.candidate.full_name if application is not None else None

    def get_on_behalf_of(self, obj) -> str | None:
        """Set when the item is someone else's, delegated to this user."""
        names = self.context.get("delegator_names") or {}
        return f"on behalf of {names[obj.approver_id]}" if obj.approver_id in names else None


def pending_items(assignments, delegator_names: dict[int, str]) -> list[dict]:
    """PendingItemSerializer's documents, built directly: "My approvals" lists a thousand
    items, and a DRF field per value costs more than the query that read them."""
    items = []
    for a in assignments:
        round_, step = a.round, a.step
        application = round_.application
        items.append(
            {
                "assignment": str(a.pk),
                "approval_request": str(a.round_id),
                "approval_request_version": round_.version,
                "step": str(a.step_id),
                "step_name": step.name,
                "step_position": step.position,
                "step_count": round_.step_count,
                "subject_kind": round_.subject_kind,
                "requisition": str(round_.requisition_id),
                "requisition_title": round_.requisition.title,
                "application": str(round_.application_id) if round_.application_id else None,
                "offer": str(round_.offer_id) if round_.offer_id else None,
                "candidate_name": application.candidate.full_name if application else None,
                "due_since": serializers.DateTimeField().to_representation(step.due_at)
                if step.due_at
                else None,
                "approver": a.approver_id,
                "on_behalf_of": (
                    f"on behalf of {delegator_names[a.approver_id]}"
                    if a.approver_id in delegator_names
                    else None
                ),
                "decision": a.decision,
                "decided_at": serializers.DateTimeField().to_representation(a.decided_at)
                if a.decided_at
                else None,
            }
        )
    return items


class PendingOutputSerializer(Serializer):
    user = serializers.IntegerField()
    due_count = serializers.IntegerField(help_text="all due now; `due` lists the first `limit`")
    waiting_count = serializers.IntegerField(help_text="all waiting; `waiting` the first `limit`")
    due = PendingItemSerializer(many=True)
    waiting = PendingItemSerializer(many=True)
    decided = PendingItemSerializer(many=True)


# -- delegations and overrides ----------------------------------------------------------------


class DelegationOutputSerializer(ModelSerializer):
    delegator_name = serializers.SerializerMethodField()
    delegate_name = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalDelegation
        fields = (
            *_STAMPS,
            "delegator",
            "delegator_name",
            "delegate",
            "delegate_name",
            "starts_on",
            "ends_on",
            "note",
            "created_by",
            "cancelled_at",
        )
        read_only_fields = fields

    def get_delegator_name(self, obj) -> str:
        return person_name(obj.delegator) or ""

    def get_delegate_name(self, obj) -> str:
        return person_name(obj.delegate) or ""


class DelegationCreateSerializer(ActingUserMixin):
    delegator = TenantUserField(
        required=False, help_text="Whose approvals; yourself when left out (admins name others)."
    )
    delegate = TenantUserField(help_text="Who decides them meanwhile.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CancelSerializer(ActingUserMixin):
    pass


class OverrideOutputSerializer(ModelSerializer):
    class Meta:
        model = ApprovalOverride
        fields = (
            *_STAMPS,
            "round",
            "step",
            "kind",
            "approver",
            "replacement",
            "decision",
            "comment",
            "reason",
            "status",
            "requested_by",
            "confirmed_by",
            "applied_at",
        )
        read_only_fields = fields


class ReplaceApproverSerializer(ActingUserMixin):
    step = TenantRelatedField(scoped=scoped(ApprovalStep))
    approver = TenantUserField(help_text="The approver replaced.")
    replacement = TenantUserField(help_text="Who approves in their place.")
    reason = serializers.CharField(max_length=4000, help_text="Mandatory: why.")


class DecideOnBehalfSerializer(ActingUserMixin):
    step = TenantRelatedField(scoped=scoped(ApprovalStep))
    approver = TenantUserField(help_text="The approver decided for.")
    decision = serializers.ChoiceField(choices=DECISION_CHOICES)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=4000, help_text="Mandatory: why.")
