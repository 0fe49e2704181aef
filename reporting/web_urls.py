"""Pages of reports and alerts, included at the site root in the `reporting` namespace."""

from django.urls import path

from reporting import views
from reporting.pages import dashboard

app_name = "reporting"

urlpatterns = [
    path("reports/", dashboard.DashboardView.as_view(), name="dashboard"),
    path(
        "reports/applications/",
        dashboard.ReportApplicationsView.as_view(),
        name="report-applications",
    ),
    path("reports/stuck/", dashboard.StuckListView.as_view(), name="stuck"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/read-all/",
        views.NotificationReadAllView.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/<uuid:pk>/",
        views.NotificationDetailView.as_view(),
        name="notification-detail",
    ),
    path(
        "notifications/<uuid:pk>/read/",
        views.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path("automation/failures/", views.AutomationFailureListView.as_view(), name="failure-list"),
    path(
        "automation/failures/<uuid:pk>/retry/",
        views.AutomationFailureRetryView.as_view(),
        name="failure-retry",
    ),
    path(
        "automation/failures/<uuid:pk>/dismiss/",
        views.AutomationFailureDismissView.as_view(),
        name="failure-dismiss",
    ),
]
