"""Tenants and what every tenant configures: people's roles, org structure, API clients."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from tenants.context import current_tenant_id
from tenants.errors import TenantContextMissing
from tenants.history import history_user
from tenants.managers import AllTenantsManager, TenantScopedManager


class Tenant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=63, unique=True)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def tenant_key(*, db_index: bool = True) -> models.ForeignKey:
    """The tenant column of a TenantScopedModel. `db_index=False` where a composite index
    already leads with it: a second index on tenant_id alone only slows every write."""
    return models.ForeignKey(
        Tenant, on_delete=models.PROTECT, related_name="+", editable=False, db_index=db_index
    )


class TenantScopedModel(models.Model):
    """Base of every tenant-owned table: non-null tenant, fail-closed default manager."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_key()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=False)

    objects = TenantScopedManager()
    all_tenants = AllTenantsManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.tenant_id is None:
            tenant_id = current_tenant_id()
            if tenant_id is None:
                raise TenantContextMissing(f"{type(self).__name__} saved with no tenant")
            self.tenant_id = tenant_id
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    RECRUITER = "recruiter", "Recruiter"
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    HRBP = "hrbp", "HR business partner"
    COORDINATOR = "coordinator", "Coordinator"
    AUDITOR = "auditor", "Auditor"


class Department(TenantScopedModel):
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Who heads it: an approval step may name "the department head" of a requisition.
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="department_code_per_tenant")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TenantScopedModel):
    """A user's role in one tenant, optionally limited to some departments."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    departments = models.ManyToManyField(
        Department, through="MembershipDepartment", blank=True, related_name="members"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_user_per_tenant")
        ]
        indexes = [models.Index(fields=["user"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} as {self.role}"


class MembershipDepartment(TenantScopedModel):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    department = models.ForeignKey(Department, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "department"], name="membership_department_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership} in {self.department}"


class JobFamily(TenantScopedModel):
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "job families"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="job_family_code_per_tenant")
        ]

    def __str__(self) -> str:
        return self.name


class Location(TenantScopedModel):
    """A place of work; its jurisdiction decides which compliance rules apply."""

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    country = models.CharField(
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", "ISO 3166-1 alpha-2 country code")],
    )
    region = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="location_code_per_tenant")
        ]

    def __str__(self) -> str:
        return self.name


class FlsaStatus(models.TextChoices):
    EXEMPT = "exempt", "Exempt"
    NON_EXEMPT = "non_exempt", "Non-exempt"


class RequisitionType(TenantScopedModel):
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    flsa_status = models.CharField(
        max_length=12, choices=FlsaStatus.choices, default=FlsaStatus.EXEMPT
    )
    is_technical = models.BooleanField(default=False)
    is_executive = models.BooleanField(default=False)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"], name="requisition_type_code_per_tenant"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ApiScope(models.TextChoices):
    REQUISITIONS_READ = "requisitions:read"
    REQUISITIONS_WRITE = "requisitions:write"
    CANDIDATES_READ = "candidates:read"
    CANDIDATES_WRITE = "candidates:write"
    APPLICATIONS_READ = "applications:read"
    APPLICATIONS_WRITE = "applications:write"
    CONFIG_READ = "config:read"
    CONFIG_WRITE = "config:write"
    EVENTS_WRITE = "events:write"
    AUDIT_READ = "audit:read"
    APPROVALS_READ = "approvals:read"
    APPROVALS_WRITE = "approvals:write"
    EXPORTS_READ = "exports:read"
    EXPORTS_WRITE = "exports:write"


TOKEN_PREFIX = "atsk_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(TenantScopedModel):
    """Another HR system's credentials: a bearer token stored only as its SHA-256."""

    name = models.CharField(max_length=200)
    token_hash = models.CharField(max_length=64, editable=False)
    token_hint = models.CharField(max_length=12, editable=False)
    scopes = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="api_client_name_per_tenant")
        ]
        indexes = [models.Index(fields=["token_hash"], name="api_client_token_idx")]

    def __str__(self) -> str:
        return self.name

    def set_new_token(self) -> str:
        """Give the client a fresh token; the plain text is returned once and never stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.token_hint = token[: len(TOKEN_PREFIX) + 4]
        return token

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
