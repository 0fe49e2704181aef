"""Milestone routes, included under /api/v1/ by ats_milestones/api/urls.py. Paths are
snake_case, like every path of the API (docs/api.md lists the renames)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from milestones.api.applications import ApplicationMilestonesView, ApplicationTransitionsView
from milestones.api.automation import AutomationRuleViewSet, EventViewSet
from milestones.api.deadlines import ApplicationDeadlinesView, ApplicationDeadlineView
from milestones.api.legacy import LegacyImportView, LegacyStageMappingViewSet
from milestones.api.publish_preview import FrameworkVersionPublishPreviewView
from milestones.api.sandbox import SandboxRunViewSet
from milestones.api.timers import (
    BusinessHoursView,
    DeadlineRuleViewSet,
    EscalationRuleViewSet,
    HolidayViewSet,
)
from milestones.api.views import (
    FrameworkVersionViewSet,
    FrameworkViewSet,
    MilestoneSettingsView,
    RequisitionFrameworkVersionView,
)

router = SimpleRouter(trailing_slash=False)
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("framework_versions", FrameworkVersionViewSet, basename="framework-version")
router.register("automation_rules", AutomationRuleViewSet, basename="automation-rule")
router.register("events", EventViewSet, basename="event")
router.register("sandbox_runs", SandboxRunViewSet, basename="sandbox_run")
router.register("escalation_rules", EscalationRuleViewSet, basename="escalation_rule")
router.register("deadline_rules", DeadlineRuleViewSet, basename="deadline_rule")
router.register("holidays", HolidayViewSet, basename="holiday")
router.register("legacy_mappings", LegacyStageMappingViewSet, basename="legacy-mapping")

urlpatterns = [
    *router.urls,
    path(
        "framework_versions/<uuid:pk>/publish_preview",
        FrameworkVersionPublishPreviewView.as_view(),
        name="framework-version-publish-preview",
    ),
    path("milestone_settings", MilestoneSettingsView.as_view(), name="milestone-settings"),
    path("business_hours", BusinessHoursView.as_view(), name="business-hours"),
    path("legacy_imports", LegacyImportView.as_view(), name="legacy-imports"),
    path(
        "requisitions/<uuid:pk>/framework_version",
        RequisitionFrameworkVersionView.as_view(),
        name="requisition-framework-version",
    ),
    path(
        "applications/<uuid:pk>/milestones",
        ApplicationMilestonesView.as_view(),
        name="application-milestones",
    ),
    path(
        "applications/<uuid:pk>/transitions",
        ApplicationTransitionsView.as_view(),
        name="application-transitions",
    ),
    path(
        "applications/<uuid:pk>/deadlines",
        ApplicationDeadlinesView.as_view(),
        name="application-deadlines",
    ),
    path(
        "applications/<uuid:pk>/deadlines/<str:kind>",
        ApplicationDeadlineView.as_view(),
        name="application-deadline",
    ),
]
