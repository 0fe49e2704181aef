"""Requisitions, candidates and applications over the API."""

from __future__ import annotations

from ats_milestones.api import serializers
from ats_milestones.api.serializers import (
    StrictModelSerializer,
    TenantRelatedField,
    TenantUserField,
)
from recruiting import selectors as recruiting_selectors
from recruiting.models import Application, Candidate, Requisition
from tenants import selectors as tenant_selectors

_STAMPS = ("id", "created_at", "updated_at")


def _id(source: str, **kwargs):
    return serializers.UUIDField(source=source, read_only=True, **kwargs)


# -- requisitions ---------------------------------------------------------------------


class RequisitionInputSerializer(StrictModelSerializer):
    requisition_type = TenantRelatedField(scoped=tenant_selectors.requisition_type_list)
    # Only where the person works: a department outside their scope reads as no such id.
    department = TenantRelatedField(
        scoped=tenant_selectors.department_list, visible=tenant_selectors.departments_in_scope
    )
    job_family = TenantRelatedField(
        scoped=tenant_selectors.job_family_list, allow_null=True, required=False
    )
    location = TenantRelatedField(
        scoped=tenant_selectors.location_list, allow_null=True, required=False
    )
    recruiter = TenantUserField(allow_null=True, required=False)
    hiring_manager = TenantUserField(allow_null=True, required=False)

    class Meta:
        model = Requisition
        fields = (
            "external_id",
            "title",
            "status",
            "requisition_type",
            "department",
            "job_family",
            "location",
            "recruiter",
            "hiring_manager",
            "openings",
            "opened_at",
            "filled_at",
            "is_confidential",
        )


class RequisitionOutputSerializer(serializers.ModelSerializer):
    requisition_type = _id("requisition_type_id")
    department = _id("department_id")
    job_family = _id("job_family_id", allow_null=True)
    location = _id("location_id", allow_null=True)
    recruiter = serializers.IntegerField(source="recruiter_id", read_only=True, allow_null=True)
    hiring_manager = serializers.IntegerField(
        source="hiring_manager_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Requisition
        fields = (*_STAMPS, *RequisitionInputSerializer.Meta.fields)
        read_only_fields = fields


# -- candidates -----------------------------------------------------------------------


class CandidateInputSerializer(StrictModelSerializer):
    class Meta:
        model = Candidate
        fields = ("external_id", "first_name", "last_name", "email", "phone", "location")


class CandidateOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = (*_STAMPS, *CandidateInputSerializer.Meta.fields)
        read_only_fields = fields


# -- applications ---------------------------------------------------------------------

_APPLICATION_EDITABLE = (
    "external_id",
    "source",
    "hire_type",
    "status",
    "reject_reason",
    "applied_at",
)


class ApplicationCreateSerializer(StrictModelSerializer):
    candidate = TenantRelatedField(scoped=recruiting_selectors.candidate_list)
    # A requisition the person may not see (another department's, a confidential one they
    # are not on) reads as no such id; any candidate of the tenant may apply.
    requisition = TenantRelatedField(
        scoped=recruiting_selectors.requisition_list,
        visible=recruiting_selectors.requisitions_visible,
    )

    class Meta:
        model = Application
        fields = ("candidate", "requisition", *_APPLICATION_EDITABLE)


class ApplicationUpdateSerializer(StrictModelSerializer):
    """Candidate and requisition are fixed once applied: sending them is an unknown field."""

    class Meta:
        model = Application
        fields = _APPLICATION_EDITABLE


class ApplicationOutputSerializer(serializers.ModelSerializer):
    candidate = _id("candidate_id")
    requisition = _id("requisition_id")

    class Meta:
        model = Application
        fields = (*_STAMPS, "candidate", "requisition", *_APPLICATION_EDITABLE, "version")
        read_only_fields = fields
