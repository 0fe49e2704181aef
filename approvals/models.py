"""Offers, approval policies and the rounds of approval they drive.

An `Offer` (one per application) keeps its current terms; each material change starts a new
`OfferVersion` (see `MATERIAL_FIELDS`). An `ApprovalPolicy` is chosen for a subject (an offer,
a requisition opening, a stage-gated milestone) by conditions; its terms live in immutable
`ApprovalPolicyVersion` rows. An `ApprovalRound` pins the policy version it started under and
owns its `ApprovalStep` rows and each step's `ApprovalAssignment` (one approver, one decision).
Rounds are never deleted: every round of a subject is its history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tenants.models import Department, TenantScopedModel, tenant_key

#: The offer fields whose change makes a new version and voids an open approval round.
#: `custom_fields` (notes, internal references) is not material: it is edited in place.
MATERIAL_FIELDS = (
    "title",
    "salary_amount",
    "salary_currency",
    "bonus_amount",
    "equity",
    "start_date",
    "employment_type",
)
OFFER_TERMS = (*MATERIAL_FIELDS, "custom_fields")


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", "Full time"
    PART_TIME = "part_time", "Part time"
    CONTRACT = "contract", "Contract"
    TEMPORARY = "temporary", "Temporary"
    INTERN = "intern", "Intern"


class OfferTerms(models.Model):
    """The terms an offer and each of its versions carry."""

    title = models.CharField(max_length=200)
    salary_amount = models.DecimalField(max_digits=14, decimal_places=2)
    salary_currency = models.CharField(max_length=3)
    bonus_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    equity = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    employment_type = models.CharField(
        max_length=12, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    custom_fields = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class Offer(TenantScopedModel, OfferTerms):
    tenant = tenant_key(db_index=False)  # offer_per_application leads with it
    application = models.ForeignKey(
        "recruiting.Application", on_delete=models.PROTECT, related_name="offers"
    )
    # The number of the current OfferVersion.
    version_number = models.PositiveIntegerField(default=1)
    # Bumped by every write; the API's ETag.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "application"], name="offer_per_application")
        ]

    def __str__(self) -> str:
        return f"Offer: {self.title}"


class OfferVersion(TenantScopedModel, OfferTerms):
    tenant = tenant_key(db_index=False)
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["offer", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "offer", "number"], name="offer_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer} v{self.number}"


class SubjectKind(models.TextChoices):
    OFFER = "offer", "Offer"
    REQUISITION = "requisition", "Requisition opening"
    MILESTONE = "milestone", "Stage-gated milestone"


class ApprovalPolicy(TenantScopedModel):
    """A named policy; what it asks for is its current version. A tenant-wide template has
    no department; a department's extension names the template it makes stricter."""

    tenant = tenant_key(db_index=False)
    name = models.CharField(max_length=200)
    subject_kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    # Admin-set order: the first active policy whose conditions hold is the one used.
    position = models.PositiveIntegerField(default=100)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="extensions"
    )
    is_active = models.BooleanField(default=True)
    current_version = models.ForeignKey(
        "ApprovalPolicyVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "approval policies"
        indexes = [
            models.Index(
                fields=["tenant", "subject_kind", "position"], name="approval_policy_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalPolicyVersion(TenantScopedModel):
    """What a policy asks for, frozen: an edit writes the next version."""

    tenant = tenant_key(db_index=False)
    policy = models.ForeignKey(ApprovalPolicy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Condition language (milestones.core.conditions) over approval facts; {} always holds.
    conditions = models.JSONField(default=dict, blank=True)
    # Ordered steps (approvals.core.steps_validate describes the shape).
    steps = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "policy", "number"], name="approval_policy_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"


class RoundStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    VOIDED = "voided", "Voided"


class ApprovalRound(TenantScopedModel):
    """One request for approval of one subject, under one pinned policy version."""

    tenant = tenant_key(db_index=False)
    subject_kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    # "offer:<id>", "requisition:<id>", "milestone:<application id>:<code>": one open round each.
    subject_key = models.CharField(max_length=200)
    requisition = models.ForeignKey(
        "recruiting.Requisition", on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        "recruiting.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="rounds"
    )
    offer_version = models.ForeignKey(
        OfferVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    milestone_code = models.CharField(max_length=64, blank=True)
    number = models.PositiveIntegerField()
    policy_version = models.ForeignKey(
        ApprovalPolicyVersion, on_delete=models.PROTECT, related_name="rounds"
    )
    status = models.CharField(
        max_length=12, choices=RoundStatus.choices, default=RoundStatus.REQUESTED
    )
    # Applicable (not skipped) steps, and the 1-based position of the first one due.
    step_count = models.PositiveIntegerField(default=0)
    current_position = models.PositiveIntegerField(default=1)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome_reason = models.TextField(blank=True)
    # Bumped by every change; the API's ETag for If-Match.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["subject_key", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "subject_key", "number"], name="approval_round_number_unique"
            ),
            models.UniqueConstraint(
                fields=["tenant", "subject_key"],
                condition=models.Q(status="requested"),
                name="approval_round_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "application", "-number"], name="approval_round_app"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_key} round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.REQUESTED


class StepStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    DUE = "due", "Due"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    SKIPPED = "skipped", "Skipped"
    CLOSED = "closed", "Closed"  # the round ended (withdrawn, voided, declined elsewhere)


class Quorum(models.TextChoices):
    ALL = "all", "Everyone"
    ANY = "any", "Any one"
    N_OF_M = "n_of_m", "N of them"


class Veto(models.TextChoices):
    ANY = "any", "Any rejection declines"
    MAJORITY = "majority", "A majority of rejections declines"


class ApprovalStep(TenantScopedModel):
    tenant = tenant_key(db_index=False)
    round = models.ForeignKey(ApprovalRound, on_delete=models.CASCADE, related_name="steps")
    index = models.PositiveIntegerField()  # in the policy version's list
    # 1-based among the round's applicable steps (0 when skipped); steps run in parallel
    # share a group.
    position = models.PositiveIntegerField(default=0)
    group = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    quorum = models.CharField(max_length=8, choices=Quorum.choices, default=Quorum.ALL)
    quorum_n = models.PositiveIntegerField(default=1)  # for N of M, capped at M
    veto = models.CharField(max_length=8, choices=Veto.choices, default=Veto.ANY)
    status = models.CharField(max_length=8, choices=StepStatus.choices)
    skipped_reason = models.TextField(blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "round", "index"], name="approval_step_index_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} step {self.index + 1}: {self.name}"


class Decision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class ApprovalAssignment(TenantScopedModel):
    """One approver of one step, and what they decided."""

    tenant = tenant_key(db_index=False)
    step = models.ForeignKey(ApprovalStep, on_delete=models.CASCADE, related_name="assignments")
    round = models.ForeignKey(ApprovalRound, on_delete=models.CASCADE, related_name="+")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # How the approver was found: "role:hiring_manager", "user", "slot:<label>".
    source = models.CharField(max_length=120)
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PENDING)
    comment = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["step", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "step", "approver"], name="approval_assignment_once"
            )
        ]
        indexes = [
            # "My approvals": one user's assignments, newest first.
            models.Index(
                fields=["tenant", "approver", "-created_at"], name="approval_assignment_mine"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.approver} on {self.step}"


from approvals.oversight_models import (  # noqa: E402, F401 - re-exported: Django finds them here
    ApprovalDelegation,
    ApprovalOverride,
    ApprovalStepClock,
    OverrideKind,
    OverrideStatus,
)
