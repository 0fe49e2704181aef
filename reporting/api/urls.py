"""Alert and report routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from reporting.api import reports
from reporting.api.report_config import RegressionAlertViewSet, ReportingSettingsView
from reporting.api.views import AutomationFailureViewSet, NotificationViewSet

router = SimpleRouter(trailing_slash=False)
router.register("automation_failures", AutomationFailureViewSet, basename="automation_failures")
router.register("notifications", NotificationViewSet, basename="notifications")
router.register(
    "reports/regression_alerts", RegressionAlertViewSet, basename="reports-regression-alerts"
)

urlpatterns = [
    path("reports/settings", ReportingSettingsView.as_view(), name="reports-settings"),
    path(
        "reports/time_in_milestone",
        reports.TimeInMilestoneView.as_view(),
        name="reports-time-in-milestone",
    ),
    path("reports/funnel", reports.FunnelView.as_view(), name="reports-funnel"),
    path(
        "reports/recruiter_performance",
        reports.RecruiterPerformanceView.as_view(),
        name="reports-recruiter-performance",
    ),
    path("reports/time_to_fill", reports.TimeToFillView.as_view(), name="reports-time-to-fill"),
    path(
        "reports/automation_impact",
        reports.AutomationImpactView.as_view(),
        name="reports-automation-impact",
    ),
    path(
        "reports/sla_exceptions",
        reports.SlaExceptionsView.as_view(),
        name="reports-sla-exceptions",
    ),
    path("reports/regressions", reports.RegressionsView.as_view(), name="reports-regressions"),
    path(
        "reports/applications",
        reports.ReportApplicationsView.as_view(),
        name="reports-applications",
    ),
    *router.urls,
]
