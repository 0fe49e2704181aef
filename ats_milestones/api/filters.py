"""Filter sets shared by list endpoints; an invalid value answers 400 naming the parameter.

Every list's FilterSet subclasses StrictFilterSet: a filter sent empty (`updated_after=`)
is a 400, not silently the whole list.
"""

from __future__ import annotations

import django_filters
from django import forms

from .fields import INT64


class StrictFilterSet(django_filters.FilterSet):
    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if any(not value.strip() for value in values):
                self.form.add_error(name, "Empty: leave the parameter out to not filter.")
                valid = False
        return valid


class UpdatedAfterFilterSet(StrictFilterSet):
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only rows updated at or after this ISO-8601 instant (for incremental sync).",
    )


class IntegerFilter(django_filters.NumberFilter):
    """Whole numbers only (user ids): `1.5` is a 400, not silently truncated; and inside
    a bigint, so a query never sees a number its column cannot hold."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", INT64[0])
        kwargs.setdefault("max_value", INT64[1])
        super().__init__(*args, **kwargs)


class _StrictBooleanFormField(forms.Field):
    def clean(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "True"):
            return True
        if value in ("false", "False"):
            return False
        raise forms.ValidationError("Must be true or false.")


class BooleanFilter(django_filters.BooleanFilter):
    """`true` or `false`; anything else is a 400 (django-filter would ignore it)."""

    field_class = _StrictBooleanFormField
