"""Milestone routes, included under /api/v1/ by ats_milestones/api/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from milestones.api.applications import ApplicationMilestonesView, ApplicationTransitionsView
from milestones.api.automation import AutomationRuleViewSet, EventViewSet
from milestones.api.publish_preview import FrameworkVersionPublishPreviewView
from milestones.api.sandbox import SandboxRunViewSet
from milestones.api.views import (
    FrameworkVersionViewSet,
    FrameworkViewSet,
    MilestoneSettingsView,
    RequisitionFrameworkVersionView,
)

router = SimpleRouter(trailing_slash=False)
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("framework-versions", FrameworkVersionViewSet, basename="framework-version")
router.register("automation_rules", AutomationRuleViewSet, basename="automation-rule")
router.register("events", EventViewSet, basename="event")
router.register("sandbox_runs", SandboxRunViewSet, basename="sandbox_run")

urlpatterns = [
    *router.urls,
    path(
        "framework-versions/<uuid:pk>/publish_preview",
        FrameworkVersionPublishPreviewView.as_view(),
        name="framework-version-publish-preview",
    ),
    path("milestone-settings", MilestoneSettingsView.as_view(), name="milestone-settings"),
    path(
        "requisitions/<uuid:pk>/framework-version",
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
]

from milestones.api.legacy import urlpatterns as legacy_urlpatterns  # noqa: E402
from milestones.api.timer_urls import urlpatterns as timer_urlpatterns  # noqa: E402

urlpatterns += legacy_urlpatterns
urlpatterns += timer_urlpatterns
