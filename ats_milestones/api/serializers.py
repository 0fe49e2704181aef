"""Building blocks of every input serializer: strict fields, tenant-bound references."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models import QuerySet
from rest_framework import serializers

from tenants.context import current_tenant_id


class RejectUnknownFieldsMixin:
    """A body key that the serializer does not declare is an error, not silently dropped."""

    def to_internal_value(self, data):
        # Checked before field validation, so a PATCH of only unknown keys is refused too.
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A string is a string: 123 or true is a wrong type, not silently stringified."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugField(serializers.SlugField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TenantRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id that resolves only among the caller's tenant's rows.

    `queryset` is a callable of the tenant id, evaluated per request, so an id from
    another tenant reads exactly like one that does not exist.
    """

    def __init__(self, *, scoped: Callable[..., QuerySet], pk_field=None, **kwargs):
        self.scoped = scoped
        kwargs.setdefault("pk_field", pk_field or serializers.UUIDField(format="hex_verbose"))
        super().__init__(**kwargs)

    def get_queryset(self):
        tenant_id = current_tenant_id()
        if tenant_id is None:  # fail closed
            raise RuntimeError("TenantRelatedField used with no tenant in context")
        return self.scoped(tenant_id=tenant_id)


class TenantUserField(TenantRelatedField):
    """A user id that resolves only among users with a membership in the caller's tenant."""

    def __init__(self, **kwargs):
        from tenants.selectors import tenant_user_list

        super().__init__(scoped=tenant_user_list, pk_field=serializers.IntegerField(), **kwargs)


class StrictModelSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """ModelSerializer with strict strings and unknown-field rejection."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.EmailField: StrictEmailField,
        models.SlugField: StrictSlugField,
    }


def validated(serializer_class, data, **kwargs) -> dict:
    """`data` checked by `serializer_class` (400 naming each field), as a plain dict."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
