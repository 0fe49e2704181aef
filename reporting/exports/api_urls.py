"""Export and reconciliation routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from reporting.exports import api
from reporting.reconciliation import api as reconciliation

router = SimpleRouter(trailing_slash=False)
router.register("scheduled_exports", api.ScheduledExportViewSet, basename="scheduled_exports")

urlpatterns = [
    path("exports", api.DatasetListView.as_view(), name="export-datasets"),
    path("exports/<str:dataset>", api.ExportView.as_view(), name="export-dataset"),
    path("exports/<str:dataset>/changes", api.ExportChangesView.as_view(), name="export-changes"),
    path("activities", reconciliation.ActivityImportView.as_view(), name="activities"),
    path(
        "reconciliation",
        reconciliation.ReconciliationSummaryView.as_view(),
        name="reconciliation-summary",
    ),
    path(
        "reconciliation/discrepancies",
        reconciliation.DiscrepancyListView.as_view(),
        name="reconciliation-discrepancies",
    ),
    *router.urls,
]
