"""The URL conf of a development server (the dev sink routed), for the dev sink's tests:
test settings, like production, do not route it."""

from django.urls import include, path

from ats_milestones.urls import handler400, handler403, handler404, handler500  # noqa: F401
from ats_milestones.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("dev/webhook-sink/", include("integrations.web.devsink_urls")),
    *site_urlpatterns,
]
