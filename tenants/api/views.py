"""Tenant configuration endpoints (scopes config:read / config:write)."""

from __future__ import annotations

from ats_milestones.api.crud import ServiceViewSet
from ats_milestones.api.schema import crud_schema
from tenants import selectors, services
from tenants.api import filters
from tenants.api import serializers as s
from tenants.models import ApiScope, Department, JobFamily, Location, RequisitionType


class ConfigViewSet(ServiceViewSet):
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE


@crud_schema(
    tag="departments", create=s.DepartmentInputSerializer, output=s.DepartmentOutputSerializer
)
class DepartmentViewSet(ConfigViewSet):
    # Never evaluated (always empty); it only tells schema tools the model.
    queryset = Department.all_tenants.none()
    create_serializer_class = s.DepartmentInputSerializer
    output_serializer_class = s.DepartmentOutputSerializer
    filterset_class = filters.DepartmentFilter

    def tenant_queryset(self):
        return selectors.department_list(tenant_id=self.tenant_id)

    def perform_create_object(self, *, data):
        return services.department_create(tenant_id=self.tenant_id, actor=self.actor, **data)

    def perform_update_object(self, *, instance, data):
        return services.department_update(department=instance, actor=self.actor, changes=data)


@crud_schema(
    tag="job families", create=s.JobFamilyInputSerializer, output=s.JobFamilyOutputSerializer
)
class JobFamilyViewSet(ConfigViewSet):
    queryset = JobFamily.all_tenants.none()
    create_serializer_class = s.JobFamilyInputSerializer
    output_serializer_class = s.JobFamilyOutputSerializer
    filterset_class = filters.JobFamilyFilter

    def tenant_queryset(self):
        return selectors.job_family_list(tenant_id=self.tenant_id)

    def perform_create_object(self, *, data):
        return services.job_family_create(tenant_id=self.tenant_id, actor=self.actor, **data)

    def perform_update_object(self, *, instance, data):
        return services.job_family_update(job_family=instance, actor=self.actor, changes=data)


@crud_schema(tag="locations", create=s.LocationInputSerializer, output=s.LocationOutputSerializer)
class LocationViewSet(ConfigViewSet):
    queryset = Location.all_tenants.none()
    create_serializer_class = s.LocationInputSerializer
    output_serializer_class = s.LocationOutputSerializer
    filterset_class = filters.LocationFilter

    def tenant_queryset(self):
        return selectors.location_list(tenant_id=self.tenant_id)

    def perform_create_object(self, *, data):
        return services.location_create(tenant_id=self.tenant_id, actor=self.actor, **data)

    def perform_update_object(self, *, instance, data):
        return services.location_update(location=instance, actor=self.actor, changes=data)


@crud_schema(
    tag="requisition types",
    create=s.RequisitionTypeInputSerializer,
    output=s.RequisitionTypeOutputSerializer,
)
class RequisitionTypeViewSet(ConfigViewSet):
    queryset = RequisitionType.all_tenants.none()
    create_serializer_class = s.RequisitionTypeInputSerializer
    output_serializer_class = s.RequisitionTypeOutputSerializer
    filterset_class = filters.RequisitionTypeFilter

    def tenant_queryset(self):
        return selectors.requisition_type_list(tenant_id=self.tenant_id)

    def perform_create_object(self, *, data):
        return services.requisition_type_create(tenant_id=self.tenant_id, actor=self.actor, **data)

    def perform_update_object(self, *, instance, data):
        return services.requisition_type_update(
            requisition_type=instance, actor=self.actor, changes=data
        )
