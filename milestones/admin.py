"""Django admin: raw milestone configuration and read-only progress of the session's tenant."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from milestones.models import (
    ApplicationMilestone,
    Framework,
    FrameworkRequisitionType,
    FrameworkVersion,
    FrameworkVersionPilotDepartment,
    MilestoneDefinition,
    MilestoneSettings,
    MilestoneTransition,
)
from tenants.admin import TenantAdminMixin


class _ReadOnlyAdmin(TenantAdminMixin, admin.ModelAdmin):
    """Runtime rows change only through the transition service."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MilestoneSettings)
class MilestoneSettingsAdmin(TenantAdminMixin, SimpleHistoryAdmin):
    list_display = ["code_pattern", "updated_at"]


class FrameworkRequisitionTypeInline(TenantAdminMixin, admin.TabularInline):
    model = FrameworkRequisitionType
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(TenantAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [FrameworkRequisitionTypeInline]


class _DraftOnlyMixin:
    """A published version is immutable here too: its milestones are read-only."""

    def _version_of(self, obj):
        if obj is None:
            return None
        return obj if isinstance(obj, FrameworkVersion) else obj.version

    def has_change_permission(self, request, obj=None) -> bool:
        version = self._version_of(obj)
        editable = version is None or version.is_editable
        return editable and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        version = self._version_of(obj)
        editable = version is None or version.is_editable
        return editable and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)


class MilestoneDefinitionInline(_DraftOnlyMixin, TenantAdminMixin, admin.TabularInline):
    model = MilestoneDefinition
    extra = 0
    fields = ["order", "code", "name", "kind", "mandatory", "sla", "terminal_kind"]
    ordering = ["order"]


class PilotDepartmentInline(TenantAdminMixin, admin.TabularInline):
    model = FrameworkVersionPilotDepartment
    extra = 0


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(TenantAdminMixin, SimpleHistoryAdmin):
    list_display = ["framework", "number", "status", "published_at", "retired_at"]
    list_filter = ["status"]
    # Lifecycle moves (publish, pilot, retire) go through the API so their rules hold.
    readonly_fields = ["status", "published_at", "retired_at", "copied_from"]
    inlines = [MilestoneDefinitionInline, PilotDepartmentInline]


@admin.register(MilestoneDefinition)
class MilestoneDefinitionAdmin(_DraftOnlyMixin, TenantAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "version", "order", "kind", "mandatory", "terminal_kind"]
    list_filter = ["kind", "mandatory", "terminal_kind"]
    search_fields = ["code", "name"]


@admin.register(ApplicationMilestone)
class ApplicationMilestoneAdmin(_ReadOnlyAdmin):
    list_display = ["application", "milestone", "state", "entered_at", "due_at"]
    list_filter = ["state"]


@admin.register(MilestoneTransition)
class MilestoneTransitionAdmin(_ReadOnlyAdmin):
    list_display = ["application", "kind", "cause", "from_milestone", "to_milestone", "at"]
    list_filter = ["kind", "cause"]
