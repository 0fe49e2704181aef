"""List filters. References are matched by id inside the caller's tenant only, so another
tenant's id simply matches nothing; a malformed value answers 400 naming the parameter."""

from __future__ import annotations

import django_filters

from ats_milestones.api.filters import IntegerFilter, UpdatedAfterFilterSet
from recruiting.models import (
    Application,
    ApplicationSource,
    ApplicationStatus,
    Candidate,
    HireType,
    Requisition,
    RequisitionStatus,
)


class RequisitionFilter(UpdatedAfterFilterSet):
    status = django_filters.ChoiceFilter(choices=RequisitionStatus.choices)
    department = django_filters.UUIDFilter(field_name="department_id")
    requisition_type = django_filters.UUIDFilter(field_name="requisition_type_id")
    job_family = django_filters.UUIDFilter(field_name="job_family_id")
    location = django_filters.UUIDFilter(field_name="location_id")
    recruiter = IntegerFilter(field_name="recruiter_id")
    hiring_manager = IntegerFilter(field_name="hiring_manager_id")
    external_id = django_filters.CharFilter()

    class Meta:
        model = Requisition
        fields = ()


class CandidateFilter(UpdatedAfterFilterSet):
    email = django_filters.CharFilter(lookup_expr="iexact")
    external_id = django_filters.CharFilter()

    class Meta:
        model = Candidate
        fields = ()


class ApplicationFilter(UpdatedAfterFilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    source = django_filters.ChoiceFilter(choices=ApplicationSource.choices)
    hire_type = django_filters.ChoiceFilter(choices=HireType.choices)
    requisition = django_filters.UUIDFilter(field_name="requisition_id")
    candidate = django_filters.UUIDFilter(field_name="candidate_id")
    department = django_filters.UUIDFilter(field_name="requisition__department_id")
    requisition_type = django_filters.UUIDFilter(field_name="requisition__requisition_type_id")
    recruiter = IntegerFilter(field_name="requisition__recruiter_id")
    external_id = django_filters.CharFilter()

    class Meta:
        model = Application
        fields = ()
