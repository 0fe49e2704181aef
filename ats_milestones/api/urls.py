"""API v1: every app's routes under /api/v1/."""

from django.urls import include, path

from . import schema  # noqa: F401 - registers the bearer-token scheme with drf-spectacular
from .views import PingView

urlpatterns = [
    path("ping", PingView.as_view(), name="ping"),
    path("", include("tenants.api.urls")),
    path("", include("audit.api.urls")),
    path("", include("recruiting.api.urls")),
    path("", include("milestones.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("reporting.exports.api_urls")),
    path("", include("integrations.api.urls")),
    path("", include("approvals.api.urls")),
]
