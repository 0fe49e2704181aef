"""The audit trail's pages, at /audit/ in the `audit` namespace."""

from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditSearchView.as_view(), name="search"),
    path("export.csv", views.AuditExportView.as_view(), name="export"),
]
