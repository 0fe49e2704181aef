"""Export endpoints: a dataset streamed as CSV or Parquet, its change feed for warehouses,
the datasets and their columns, and the scheduled exports."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ats_milestones.api.base import TenantScopedAPIView
from ats_milestones.api.crud import ServiceViewSet
from ats_milestones.api.schema import E400, E401, E403, E404, crud_schema
from reporting.exports import api_serializers as s
from reporting.exports.access import export_filters_for, export_response
from reporting.exports.changes import changes_since_token, changes_updated_after
from reporting.exports.datasets import dataset_get, dataset_list
from reporting.exports.schedules import scheduled_export_create, scheduled_export_update
from reporting.models import ScheduledExport
from tenants.models import ApiScope
from tenants.permissions import Capability


class _ExportView(TenantScopedAPIView):
    queryset = ScheduledExport.all_tenants.none()  # never evaluated; tells schema tools
    read_scope = ApiScope.EXPORTS_READ
    read_capability = Capability.EXPORT

    def tenant_queryset(self):
        return ScheduledExport.objects.none()  # no object lookups: datasets are by name

    def perform_content_negotiation(self, request, force=False):
        # `format` is the export's own parameter (csv | parquet), not DRF's renderer choice.
        return super().perform_content_negotiation(request, force=True)

    def dataset_or_404(self, name: str):
        dataset = dataset_get(name)
        if dataset is None:
            raise NotFound(f"No dataset {name!r}.")
        return dataset

    def filters(self, data: dict):
        return export_filters_for(
            tenant_id=self.tenant_id,
            membership=None if self.api_client else self.membership,
            since=data.get("since"),
            until=data.get("until"),
            departments=data.get("department"),
        )


_DATASET = OpenApiParameter(
    "dataset", str, OpenApiParameter.PATH, description="`transitions` or `stays` (or a report's)."
)


@extend_schema(tags=["exports"])
class DatasetListView(_ExportView):
    pagination_class = None  # a handful of datasets, all at once

    @extend_schema(
        responses={200: s.DatasetOutputSerializer(many=True), 401: E401, 403: E403},
        description="The datasets that can be exported, with their documented columns.",
    )
    def get(self, request):
        return Response(
            [
                {
                    "name": d.name,
                    "label": d.label,
                    "description": d.description,
                    "columns": [
                        {"name": c.name, "type": c.type, "meaning": c.meaning} for c in d.columns
                    ],
                }
                for d in dataset_list()
            ]
        )


@extend_schema(tags=["exports"])
class ExportView(_ExportView):
    @extend_schema(
        parameters=[_DATASET, s.ExportQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The rows."),
            (200, "application/vnd.apache.parquet"): OpenApiResponse(OpenApiTypes.BINARY),
            400: E400,
            401: E401,
            403: E403,
            404: E404,
        },
        description="The whole dataset (or a period, or some departments), streamed as it is "
        "read: CSV with a header line, or Parquet in row groups. Sensitive milestones' rows "
        "only for callers who may see them.",
    )
    def get(self, request, dataset):
        found = self.dataset_or_404(dataset)
        query = s.ExportQuerySerializer(
            data=s.query_data(
                request, allowed={"format", "since", "until", "department"}, many={"department"}
            )
        )
        query.is_valid(raise_exception=True)
        return export_response(
            dataset=found,
            filters=self.filters(query.validated_data),
            fmt=query.validated_data["format"],
        )


@extend_schema(tags=["exports"])
class ExportChangesView(_ExportView):
    @extend_schema(
        parameters=[_DATASET, s.ChangesQuerySerializer],
        responses={200: s.ChangesOutputSerializer, 400: E400, 401: E401, 403: E403, 404: E404},
        description="The rows changed since your last call, for a warehouse: send the "
        "`next_sync_token` you were given (none the first time: everything). No row is "
        "missed, a transaction that commits late included; `has_more` says to call again at "
        "once. `updated_after` polls by last-change time instead (best-effort).",
    )
    def get(self, request, dataset):
        found = self.dataset_or_404(dataset)
        query = s.ChangesQuerySerializer(
            data=s.query_data(
                request,
                allowed={"sync_token", "updated_after", "limit", "department"},
                many={"department"},
            )
        )
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = self.filters(data)
        if "updated_after" in data:
            page = changes_updated_after(
                dataset=found,
                filters=filters,
                updated_after=data["updated_after"],
                limit=data["limit"],
            )
        else:
            page = changes_since_token(
                dataset=found,
                filters=filters,
                sync_token=data.get("sync_token"),
                limit=data["limit"],
            )
        return Response(
            s.ChangesOutputSerializer(
                {
                    "results": page.rows,
                    "has_more": page.has_more,
                    "next_sync_token": page.next_sync_token,
                    "next_updated_after": page.next_updated_after,
                }
            ).data
        )


@crud_schema(
    tag="exports",
    create=s.ScheduledExportInputSerializer,
    output=s.ScheduledExportOutputSerializer,
)
class ScheduledExportViewSet(ServiceViewSet):
    """Standing exports written to the tenant's directory on the server's export volume."""

    queryset = ScheduledExport.all_tenants.none()  # never evaluated; tells schema tools
    read_scope = ApiScope.EXPORTS_READ
    write_scope = ApiScope.EXPORTS_WRITE
    read_capability = write_capability = Capability.EXPORT
    create_serializer_class = s.ScheduledExportInputSerializer
    output_serializer_class = s.ScheduledExportOutputSerializer

    def tenant_queryset(self):
        return ScheduledExport.objects.order_by("-created_at", "-id")

    def perform_create_object(self, *, data):
        return scheduled_export_create(actor=self.actor, data=data)

    def perform_update_object(self, *, instance, data):
        return scheduled_export_update(schedule=instance, actor=self.actor, data=data)
