"""Browser pages. Page names live in namespaces so they never clash with API route names."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from milestones.web.urls import recruiting_pages
from tenants import views as tenant_views

tenant_pages = [
    path("tenants/switch/", tenant_views.TenantSwitchView.as_view(), name="switch"),
]

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="auth/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The start page of each role (reporting's homes), named "home".
    path("", include("reporting.home_urls")),
    path("", include((recruiting_pages, "recruiting"))),
    path("", include((tenant_pages, "tenants"))),
    path("workflows/", include("milestones.web.urls")),
    path("", include("reporting.web_urls")),
    path("", include("reporting.exports.web_urls")),
    path("audit/", include("audit.web_urls")),
    path("integrations/", include("integrations.web.urls")),
    path("", include("approvals.web.urls")),
]
