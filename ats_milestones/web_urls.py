"""Browser pages. Page names live in namespaces so they never clash with API route names."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView

from recruiting import views as recruiting_views
from tenants import views as tenant_views

recruiting_pages = [
    path("requisitions/", recruiting_views.RequisitionListView.as_view(), name="requisition-list"),
    path(
        "requisitions/<uuid:pk>/",
        recruiting_views.RequisitionDetailView.as_view(),
        name="requisition-detail",
    ),
    path(
        "requisitions/<uuid:pk>/board/",
        recruiting_views.RequisitionBoardView.as_view(),
        name="requisition-board",
    ),
    path("applications/", recruiting_views.ApplicationListView.as_view(), name="application-list"),
    path(
        "applications/<uuid:pk>/",
        recruiting_views.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
]

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
    path(
        "",
        login_required(
            RedirectView.as_view(pattern_name="recruiting:requisition-list", permanent=False)
        ),
        name="home",
    ),
    path("", include((recruiting_pages, "recruiting"))),
    path("", include((tenant_pages, "tenants"))),
    path("workflows/", include("milestones.web_urls")),
    path("", include("reporting.web_urls")),
]
