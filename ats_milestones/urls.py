from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .api.views import api_not_found
from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("ats_milestones.api.urls")),
    # Last under /api/: an unknown route answers our JSON 404, never the HTML page.
    re_path(r"^api(?:/.*)?$", api_not_found, name="api-not-found"),
    path("", include("ats_milestones.web_urls")),
]
if settings.INTEGRATIONS_DEV_SINK:  # development only: production settings never set it
    urlpatterns.insert(-1, path("dev/webhook-sink/", include("integrations.web.devsink_urls")))

# Errors raised outside DRF: JSON under /api/, the usual pages elsewhere.
handler400 = "ats_milestones.api.views.handler400"
handler403 = "ats_milestones.api.views.handler403"
handler404 = "ats_milestones.api.views.handler404"
handler500 = "ats_milestones.api.views.handler500"
