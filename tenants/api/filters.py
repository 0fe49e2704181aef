"""List filters of configuration. Every filter is declared by hand: django-filter's
automatic ones touch the model's default manager at import, which needs a tenant."""

from __future__ import annotations

import django_filters

from ats_milestones.api.filters import UpdatedAfterFilterSet
from tenants.models import Department, JobFamily, Location, RequisitionType


class DepartmentFilter(UpdatedAfterFilterSet):
    code = django_filters.CharFilter()
    parent = django_filters.UUIDFilter(field_name="parent_id")

    class Meta:
        model = Department
        fields = ()


class JobFamilyFilter(UpdatedAfterFilterSet):
    code = django_filters.CharFilter()

    class Meta:
        model = JobFamily
        fields = ()


class LocationFilter(UpdatedAfterFilterSet):
    code = django_filters.CharFilter()
    country = django_filters.CharFilter()

    class Meta:
        model = Location
        fields = ()


class RequisitionTypeFilter(UpdatedAfterFilterSet):
    code = django_filters.CharFilter()

    class Meta:
        model = RequisitionType
        fields = ()
