"""`GET /api/v1/reports/<name>`: the reports over the stays read model, with the filters
of `reporting.reports.params` (a bad one is a 400 naming it), for people who may view
(within their departments, as the requisition list; sensitive milestones only with
`view_sensitive`) and clients with `applications:read`.
Also the regression alerts a tenant configures and the misclick window."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ats_milestones.api.base import TenantScopedAPIView
from ats_milestones.api.pagination import DefaultCursorPagination
from ats_milestones.api.schema import E400, E401, E403
from reporting import reports
from reporting.api import report_serializers as s
from reporting.models import MilestoneStay
from reporting.reports.filters import viewer_access
from reporting.reports.params import (
    BasisReportQuerySerializer,
    GroupedReportQuerySerializer,
    ReportQuerySerializer,
    TimedReportQuerySerializer,
    report_filters_from_query,
)
from tenants.models import ApiScope
from tenants.permissions import Capability

PAGING = ("cursor", "page_size")


class _ReportView(TenantScopedAPIView):
    read_scope = ApiScope.APPLICATIONS_READ
    read_capability = Capability.VIEW
    queryset = MilestoneStay.all_tenants.none()  # never evaluated; tells schema tools
    query_serializer = ReportQuerySerializer

    def tenant_queryset(self):
        return MilestoneStay.objects.none()

    def report_filters(self, request):
        membership = None if self.api_client else self.membership
        return report_filters_from_query(
            request.query_params,
            viewer=viewer_access(membership),
            serializer=self.query_serializer,
            ignore=PAGING,
        )


def _aggregate(name: str, *, query, output, selector, description: str):
    """A view of one aggregate report: its filters in, `Report.as_dict()` out."""

    class View(_ReportView):
        query_serializer = query

        @extend_schema(
            tags=["reports"],
            operation_id=f"reports_{name}",
            parameters=[query],
            responses={200: output, 400: E400, 401: E401, 403: E403},
            description=description,
        )
        def get(self, request):
            filters, options = self.report_filters(request)
            return Response(selector(filters=filters, **options).as_dict())

    View.__name__ = View.__qualname__ = "".join(p.title() for p in name.split("_")) + "View"
    return View


TimeInMilestoneView = _aggregate(
    "time_in_milestone",
    query=TimedReportQuerySerializer,
    output=s.TimeInMilestoneSerializer,
    selector=reports.time_in_milestone,
    description="Median, p90, mean and count of finished stays per milestone (and per `by`), "
    "in business time unless `basis=calendar`; open stays counted apart.",
)
FunnelView = _aggregate(
    "funnel",
    query=GroupedReportQuerySerializer,
    output=s.FunnelSerializer,
    selector=reports.funnel,
    description="Conversion and drop-off per milestone of finished candidacies, per "
    "requisition (default `by`) or per group.",
)


def _recruiters(*, filters, basis="business"):
    return reports.recruiter_performance(filters=filters, basis=basis)


RecruiterPerformanceView = _aggregate(
    "recruiter_performance",
    query=BasisReportQuerySerializer,
    output=s.RecruiterPerformanceSerializer,
    selector=_recruiters,
    description="Per recruiter: completion beside regression and fall-out rates and the "
    "time in milestone of their candidates' finished stays.",
)
TimeToFillView = _aggregate(
    "time_to_fill",
    query=GroupedReportQuerySerializer,
    output=s.TimeToFillSerializer,
    selector=reports.time_to_fill,
    description="From a requisition's opening to the hire of its last opening (calendar "
    "time): per requisition (default `by`), or median/p90/mean per group.",
)
AutomationImpactView = _aggregate(
    "automation_impact",
    query=ReportQuerySerializer,
    output=s.AutomationImpactSerializer,
    selector=reports.automation_impact,
    description="Finished candidacies moved by rules beside by hand, and before/after each "
    "`framework_version_id` was published: hired, dropped, drop-off, time to hire.",
)


def _listing(name: str, *, ordering, output, selector, description: str):
    class Pages(DefaultCursorPagination):
        pass

    Pages.ordering = ordering

    class View(_ReportView):
        pagination_class = Pages
        serializer_class = output

        @extend_schema(
            tags=["reports"],
            operation_id=f"reports_{name}",
            parameters=[ReportQuerySerializer],
            responses={200: output(many=True), 400: E400, 401: E401, 403: E403},
            description=description,
        )
        def get(self, request):
            filters, _ = self.report_filters(request)
            page = self.paginate_queryset(selector(filters=filters))
            return self.get_paginated_response(output(page, many=True).data)

    View.__name__ = View.__qualname__ = "".join(p.title() for p in name.split("_")) + "View"
    return View


SlaExceptionsView = _listing(
    "sla_exceptions",
    ordering=("since", "id"),
    output=s.SlaExceptionSerializer,
    selector=reports.sla_exceptions,
    description="Who is stuck where since when (the real entry time), at which escalation "
    "level, and who was told; longest waiting first.",
)
RegressionsView = _listing(
    "regressions",
    ordering=("-left_at", "-id"),
    output=s.RegressionSerializer,
    selector=reports.regressions_feed,
    description="Stays that ended with the application sent back, newest first (misclicks "
    "undone within the window are not regressions).",
)
ReportApplicationsView = _listing(
    "applications",
    ordering=("-applied_at", "-id"),
    output=s.ReportApplicationSerializer,
    selector=reports.report_applications,
    description="The applications behind a report's number: pass a row's drill-down "
    "parameters as they are.",
)
