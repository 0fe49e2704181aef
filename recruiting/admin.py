"""Django admin for recruiting rows of the session's tenant (raw fixes, not daily work)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from simple_history.admin import SimpleHistoryAdmin

from recruiting.models import Application, Candidate, Requisition
from tenants.admin import TenantAdminMixin
from tenants.context import current_tenant_id


@admin.register(Requisition)
class RequisitionAdmin(TenantAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "department", "status", "recruiter", "hiring_manager", "opened_at"]
    list_filter = ["status"]
    search_fields = ["title", "external_id"]
    list_select_related = ["department", "recruiter", "hiring_manager"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Users are global; offer only the members of the session's tenant.
        if db_field.name in {"recruiter", "hiring_manager"}:
            kwargs["queryset"] = get_user_model().objects.filter(
                memberships__tenant_id=current_tenant_id(), memberships__is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Candidate)
class CandidateAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "external_id"]
    search_fields = ["last_name", "first_name", "email", "external_id"]


@admin.register(Application)
class ApplicationAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["candidate", "requisition", "source", "hire_type", "status", "applied_at"]
    list_filter = ["status", "source", "hire_type"]
    list_select_related = ["candidate", "requisition"]
    raw_id_fields = ["candidate", "requisition"]
    readonly_fields = ["version"]
