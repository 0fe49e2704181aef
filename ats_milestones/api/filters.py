"""Filter sets shared by list endpoints; an invalid value answers 400 naming the parameter."""

from __future__ import annotations

import django_filters
from django import forms


class UpdatedAfterFilterSet(django_filters.FilterSet):
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only rows updated at or after this ISO-8601 instant (for incremental sync).",
    )


class IntegerFilter(django_filters.NumberFilter):
    """Whole numbers only (user ids): `1.5` is a 400, not silently truncated."""

    field_class = forms.IntegerField
