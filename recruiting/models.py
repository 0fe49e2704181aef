"""What milestones track: requisitions, candidates and their applications."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from recruiting.lookups import SearchKeyField
from tenants.history import history_user
from tenants.managers import AllTenantsManager, TenantScopedManager
from tenants.models import (
    Department,
    JobFamily,
    Location,
    RequisitionType,
    TenantScopedModel,
    tenant_key,
)


class RequisitionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    ON_HOLD = "on_hold", "On hold"
    FILLED = "filled", "Filled"
    CANCELLED = "cancelled", "Cancelled"


class Requisition(TenantScopedModel):
    external_id = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200)
    requisition_type = models.ForeignKey(
        RequisitionType, on_delete=models.PROTECT, related_name="requisitions"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    job_family = models.ForeignKey(
        JobFamily, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hiring_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    openings = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    status = models.CharField(
        max_length=12, choices=RequisitionStatus.choices, default=RequisitionStatus.OPEN
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    # The milestone framework version this requisition follows, fixed when it opens.
    framework_version = models.ForeignKey(
        "milestones.FrameworkVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requisitions",
    )
    filled_at = models.DateTimeField(null=True, blank=True)
    # The pay band an offer is measured against (approval policies: "salary above band").
    salary_band_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    salary_band_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    salary_band_currency = models.CharField(max_length=3, blank=True)
    # Seen only by its team (recruiter, hiring manager, people granted `view_requisition`
    # on it) and roles with `view_confidential`: recruiting.selectors.visible_to.
    is_confidential = models.BooleanField(default=False)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "status", "-created_at"], name="requisition_status_idx"),
            models.Index(fields=["tenant", "department"], name="requisition_department_idx"),
            models.Index(fields=["tenant", "updated_at"], name="requisition_updated_idx"),
            # The requisition list's order: its first page walks this, whatever the size.
            models.Index(fields=["tenant", "-created_at", "id"], name="requisition_newest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~models.Q(external_id=""),
                name="requisition_external_id_per_tenant",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Candidate(TenantScopedModel):
    """A person. Personal data lives only in these columns, so erasure is one UPDATE."""

    external_id = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["tenant", "email"], name="candidate_email_idx"),
            models.Index(fields=["tenant", "updated_at"], name="candidate_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~models.Q(external_id=""),
                name="candidate_external_id_per_tenant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CandidateSearchTerm(models.Model):
    """Each word of a candidate's first and last name, and their email, lower-cased: what
    the search by the beginning of a word walks (recruiting.search). Written only by
    Postgres, by the triggers of migration 0009 on recruiting_candidate, so every way a
    candidate is written (the ORM, bulk SQL, erasure's UPDATE) keeps it current; deleted
    with the candidate (ON DELETE CASCADE)."""

    id = models.BigAutoField(primary_key=True)
    tenant = tenant_key(db_index=False)  # the term index leads with it
    candidate = models.ForeignKey(
        Candidate, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    term = SearchKeyField(max_length=254, db_collation="C")

    objects = TenantScopedManager()
    all_tenants = AllTenantsManager()

    class Meta:
        indexes = [models.Index(fields=["tenant", "term"], name="candidate_term_idx")]

    def __str__(self) -> str:
        return self.term


class ApplicationSource(models.TextChoices):
    EXTERNAL = "external", "External"
    REFERRAL = "referral", "Referral"
    INTERNAL_TRANSFER = "internal_transfer", "Internal transfer"
    AGENCY = "agency", "Agency"


class HireType(models.TextChoices):
    STANDARD = "standard", "Standard"
    URGENT = "urgent", "Urgent"
    EXECUTIVE = "executive", "Executive"


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    HIRED = "hired", "Hired"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Application(TenantScopedModel):
    tenant = tenant_key(db_index=False)  # every index below leads with it
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="applications")
    requisition = models.ForeignKey(
        Requisition, on_delete=models.PROTECT, related_name="applications"
    )
    external_id = models.CharField(max_length=100, blank=True)
    source = models.CharField(
        max_length=20, choices=ApplicationSource.choices, default=ApplicationSource.EXTERNAL
    )
    hire_type = models.CharField(max_length=12, choices=HireType.choices, default=HireType.STANDARD)
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.ACTIVE
    )
    reject_reason = models.CharField(max_length=200, blank=True)
    applied_at = models.DateTimeField(default=timezone.now)
    # Denormalised from ApplicationMilestone (the active one) for fast boards.
    current_milestone = models.ForeignKey(
        "milestones.MilestoneDefinition",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Bumped by every write; the API's ETag, so concurrent edits answer 409.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "candidate", "requisition"], name="application_once_per_pair"
            ),
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~models.Q(external_id=""),
                name="application_external_id_per_tenant",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "requisition", "status"], name="application_req_idx"),
            models.Index(fields=["tenant", "status", "-applied_at"], name="application_status_idx"),
            models.Index(fields=["tenant", "updated_at"], name="application_updated_idx"),
            # First pages at any size: each list's ORDER BY walks one of these, LIMIT stops it.
            # The application list (newest application first) ...
            models.Index(fields=["tenant", "-applied_at", "id"], name="application_newest_idx"),
            # ... a requisition's applications ...
            models.Index(
                fields=["tenant", "requisition", "-applied_at", "id"],
                name="application_req_newest_idx",
            ),
            # ... each board column's first cards (and its count, from the index alone) ...
            models.Index(
                fields=["tenant", "requisition", "current_milestone", "applied_at", "id"],
                condition=models.Q(status="active"),
                name="application_board_idx",
            ),
            # ... and GET /api/v1/applications (cursor pages on created_at, id).
            models.Index(fields=["tenant", "-created_at", "-id"], name="application_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} for {self.requisition}"
