"""Django admin: raw configuration of the tenant chosen in the session."""

from django.contrib import admin

from tenants.access import page_actor
from tenants.context import current_tenant_id
from tenants.models import (
    ApiClient,
    Department,
    JobFamily,
    Location,
    Membership,
    MembershipDepartment,
    RequisitionType,
    Role,
    Tenant,
)
from tenants.services import membership_change_record, membership_snapshot


class TenantAdminMixin:
    """Rows of the session's tenant only; only that tenant's admins (or superusers) enter."""

    def _is_tenant_admin(self, request) -> bool:
        if request.user.is_superuser:
            return True
        membership = getattr(request, "membership", None)
        return membership is not None and membership.role == Role.ADMIN

    def has_module_permission(self, request) -> bool:
        return self._is_tenant_admin(request) and current_tenant_id() is not None

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "created_at"]
    search_fields = ["name", "slug"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser


class MembershipDepartmentInline(TenantAdminMixin, admin.TabularInline):
    model = MembershipDepartment
    extra = 0


@admin.register(Membership)
class MembershipAdmin(TenantAdminMixin, admin.ModelAdmin):
    """A role or permission change made here is on the audit trail, before and after."""

    list_display = ["user", "role", "is_active"]
    list_filter = ["role", "is_active"]
    inlines = [MembershipDepartmentInline]

    def save_model(self, request, obj, form, change) -> None:
        request._membership_before = membership_snapshot(obj.pk) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        membership_change_record(
            membership=form.instance,
            before=getattr(request, "_membership_before", {}),
            actor=page_actor(request),
        )

    def delete_model(self, request, obj) -> None:
        before = membership_snapshot(obj.pk)
        super().delete_model(request, obj)
        membership_change_record(
            membership=obj, before=before, actor=page_actor(request), removed=True
        )


@admin.register(Department)
class DepartmentAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "parent"]
    search_fields = ["name", "code"]


@admin.register(JobFamily)
class JobFamilyAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Location)
class LocationAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "country", "region"]


@admin.register(RequisitionType)
class RequisitionTypeAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "flsa_status", "is_technical", "is_executive"]


@admin.register(ApiClient)
class ApiClientAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "token_hint", "is_active", "last_used_at"]
    readonly_fields = ["token_hint", "last_used_at"]
