"""Tenant configuration over the API: departments, job families, locations, requisition types."""

from __future__ import annotations

from ats_milestones.api import serializers
from ats_milestones.api.serializers import StrictModelSerializer, TenantRelatedField
from tenants.models import Department, JobFamily, Location, RequisitionType
from tenants.selectors import department_list

_STAMPS = ("id", "created_at", "updated_at")


# -- departments ----------------------------------------------------------------------


class DepartmentInputSerializer(StrictModelSerializer):
    parent = TenantRelatedField(scoped=department_list, allow_null=True, required=False)

    class Meta:
        model = Department
        fields = ("code", "name", "parent")


class DepartmentOutputSerializer(serializers.ModelSerializer):
    parent = serializers.UUIDField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Department
        fields = (*_STAMPS, "code", "name", "parent")
        read_only_fields = fields


# -- job families ---------------------------------------------------------------------


class JobFamilyInputSerializer(StrictModelSerializer):
    class Meta:
        model = JobFamily
        fields = ("code", "name")


class JobFamilyOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobFamily
        fields = (*_STAMPS, "code", "name")
        read_only_fields = fields


# -- locations ------------------------------------------------------------------------


class LocationInputSerializer(StrictModelSerializer):
    class Meta:
        model = Location
        fields = ("code", "name", "country", "region")


class LocationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = (*_STAMPS, "code", "name", "country", "region")
        read_only_fields = fields


# -- requisition types ----------------------------------------------------------------


class RequisitionTypeInputSerializer(StrictModelSerializer):
    class Meta:
        model = RequisitionType
        fields = ("code", "name", "flsa_status", "is_technical", "is_executive")


class RequisitionTypeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequisitionType
        fields = (*_STAMPS, "code", "name", "flsa_status", "is_technical", "is_executive")
        read_only_fields = fields
