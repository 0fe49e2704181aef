"""Django admin: approvals of the session's tenant, read-only (every write goes through the
services, which version policies, check extensions and audit each change)."""

from django.contrib import admin

from approvals.models import (
    ApprovalAssignment,
    ApprovalPolicy,
    ApprovalPolicyVersion,
    ApprovalRound,
    ApprovalStep,
    Offer,
    OfferVersion,
)
from tenants.admin import TenantAdminMixin


class _ReadOnly(TenantAdminMixin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class _ReadOnlyAdmin(_ReadOnly, admin.ModelAdmin):
    pass


class _ReadOnlyInline(_ReadOnly, admin.TabularInline):
    extra = 0


class PolicyVersionInline(_ReadOnlyInline):
    model = ApprovalPolicyVersion
    fields = ["number", "conditions", "steps", "created_by", "created_at"]


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(_ReadOnlyAdmin):
    list_display = ["name", "subject_kind", "position", "department", "is_active"]
    list_filter = ["subject_kind", "is_active"]
    inlines = [PolicyVersionInline]


class StepInline(_ReadOnlyInline):
    model = ApprovalStep
    fields = ["index", "name", "status", "quorum", "quorum_n", "veto", "skipped_reason"]


@admin.register(ApprovalRound)
class ApprovalRoundAdmin(_ReadOnlyAdmin):
    list_display = ["subject_key", "number", "status", "requested_at", "finished_at"]
    list_filter = ["status", "subject_kind"]
    list_select_related = True
    inlines = [StepInline]


@admin.register(ApprovalAssignment)
class ApprovalAssignmentAdmin(_ReadOnlyAdmin):
    list_display = ["approver", "step", "decision", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["approver", "step__round"]


class OfferVersionInline(_ReadOnlyInline):
    model = OfferVersion
    fields = ["number", "title", "start_date", "employment_type", "created_at"]


@admin.register(Offer)
class OfferAdmin(_ReadOnlyAdmin):
    list_display = ["title", "application", "version_number", "updated_at"]
    list_select_related = ["application__candidate", "application__requisition"]
    inlines = [OfferVersionInline]
