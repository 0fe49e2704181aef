"""Pages of exports (namespace `exports`) and reconciliation (`reconciliation`)."""

from django.urls import include, path

from reporting.exports import views

export_pages = [
    path("", views.ExportPageView.as_view(), name="page"),
    path("download/", views.ExportDownloadView.as_view(), name="download"),
]
reconciliation_pages = [
    path("", views.ReconciliationPageView.as_view(), name="page"),
]

urlpatterns = [
    path("exports/", include((export_pages, "exports"))),
    path("reconciliation/", include((reconciliation_pages, "reconciliation"))),
]
