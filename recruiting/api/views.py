"""Requisition, candidate and application endpoints."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from ats_milestones.api.crud import ServiceViewSet
from ats_milestones.api.etag import etag_of, expected_version_from
from ats_milestones.api.schema import IF_MATCH_PARAMETER, crud_schema
from recruiting import selectors, services
from recruiting.api import filters
from recruiting.api import serializers as s
from recruiting.models import Application, Candidate, Requisition
from tenants.models import ApiScope

_ETAG_HEADER = OpenApiParameter(
    name="ETag",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description='The version to send back in If-Match, e.g. "3".',
    response=[200, 201],
)


@crud_schema(
    tag="requisitions", create=s.RequisitionInputSerializer, output=s.RequisitionOutputSerializer
)
class RequisitionViewSet(ServiceViewSet):
    queryset = Requisition.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.REQUISITIONS_READ
    write_scope = ApiScope.REQUISITIONS_WRITE
    create_serializer_class = s.RequisitionInputSerializer
    output_serializer_class = s.RequisitionOutputSerializer
    filterset_class = filters.RequisitionFilter

    def tenant_queryset(self):
        return selectors.requisitions_visible(
            selectors.requisition_list(tenant_id=self.tenant_id), membership=self.viewer
        )

    def perform_create_object(self, *, data):
        return services.requisition_create(tenant_id=self.tenant_id, actor=self.actor, **data)

    def perform_update_object(self, *, instance, data):
        return services.requisition_update(requisition=instance, actor=self.actor, changes=data)


@crud_schema(
    tag="candidates", create=s.CandidateInputSerializer, output=s.CandidateOutputSerializer
)
class CandidateViewSet(ServiceViewSet):
    queryset = Candidate.all_tenants.none()
    read_scope = ApiScope.CANDIDATES_READ
    write_scope = ApiScope.CANDIDATES_WRITE
    create_serializer_class = s.CandidateInputSerializer
    output_serializer_class = s.CandidateOutputSerializer
    filterset_class = filters.CandidateFilter

    def tenant_queryset(self):
        return selectors.candidates_visible(
            selectors.candidate_list(tenant_id=self.tenant_id), membership=self.viewer
        )

    def perform_create_object(self, *, data):
        return services.candidate_create(tenant_id=self.tenant_id, actor=self.actor, **data)

    def perform_update_object(self, *, instance, data):
        return services.candidate_update(candidate=instance, actor=self.actor, changes=data)


@crud_schema(
    tag="applications",
    create=s.ApplicationCreateSerializer,
    update=s.ApplicationUpdateSerializer,
    output=s.ApplicationOutputSerializer,
    detail_headers=(IF_MATCH_PARAMETER,),
    response_headers=(_ETAG_HEADER,),
)
class ApplicationViewSet(ServiceViewSet):
    """Applications carry a version: ETag on read, If-Match on write (stale -> 409)."""

    queryset = Application.all_tenants.none()
    read_scope = ApiScope.APPLICATIONS_READ
    write_scope = ApiScope.APPLICATIONS_WRITE
    create_serializer_class = s.ApplicationCreateSerializer
    update_serializer_class = s.ApplicationUpdateSerializer
    output_serializer_class = s.ApplicationOutputSerializer
    filterset_class = filters.ApplicationFilter

    def tenant_queryset(self):
        return selectors.applications_visible(
            selectors.application_list(tenant_id=self.tenant_id), membership=self.viewer
        )

    def perform_create_object(self, *, data):
        return services.application_create(tenant_id=self.tenant_id, actor=self.actor, **data)

    def perform_update_object(self, *, instance, data):
        return services.application_update(
            application=instance,
            actor=self.actor,
            changes=data,
            expected_version=expected_version_from(self.request),
        )

    def after_response(self, response: Response, instance) -> Response:
        response["ETag"] = etag_of(instance.version)
        return response
