"""The API's serializers namespace: DRF's, with strict JSON fields in place of DRF's own.

API modules import `from ats_milestones.api import serializers` (never DRF's module), so
`serializers.CharField`, `serializers.BooleanField`, ... and the fields a ModelSerializer
builds from model fields are the strict ones of `fields.py`: a wrong JSON type is a 400
naming the field, integers stay inside their column, timestamps inside 1900..2999.
Also here: unknown-field rejection and tenant-bound references.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models import QuerySet
from rest_framework import serializers as drf
from rest_framework.serializers import (  # noqa: F401 - re-exported: the namespace of every API module
    DictField,
    HiddenField,
    JSONField,
    ListField,
    ListSerializer,
    PrimaryKeyRelatedField,
    ReadOnlyField,
    SerializerMethodField,
    ValidationError,
)

from tenants.context import current_tenant_id

from .fields import (  # noqa: F401 - re-exported
    INT64,
    BooleanField,
    CharField,
    ChoiceField,
    DateField,
    DateTimeField,
    DurationField,
    EmailField,
    FloatField,
    IntegerField,
    QueryIntegerField,
    RegexField,
    SlugField,
    TimeField,
    URLField,
    UUIDField,
)

# The names these strict fields had before they moved to fields.py.
StrictCharField = CharField
StrictEmailField = EmailField
StrictSlugField = SlugField


class RejectUnknownFieldsMixin:
    """A body key that the serializer does not declare is an error, not silently dropped."""

    def to_internal_value(self, data):
        # Checked before field validation, so a PATCH of only unknown keys is refused too.
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise drf.ValidationError(
                    {name: ["Unknown field."] for name in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)


class Serializer(RejectUnknownFieldsMixin, drf.Serializer):
    """A plain serializer; as an input, an unknown body key is a 400 naming it."""


class TenantRelatedField(drf.PrimaryKeyRelatedField):
    """A reference by id that resolves only among the caller's tenant's rows.

    `queryset` is a callable of the tenant id, evaluated per request, so an id from
    another tenant reads exactly like one that does not exist. `visible`, when given, also
    limits the rows to what the calling person sees (`visible(rows, membership=view.viewer)`),
    so a row outside their sight reads the same way.
    """

    def __init__(
        self,
        *,
        scoped: Callable[..., QuerySet],
        visible: Callable[..., QuerySet] | None = None,
        pk_field=None,
        **kwargs,
    ):
        self.scoped = scoped
        self.visible = visible
        kwargs.setdefault("pk_field", pk_field or UUIDField(format="hex_verbose"))
        super().__init__(**kwargs)

    def run_validation(self, data=drf.empty):
        if data == "":  # DRF reads "" as null for a relation; an id is an id, or null
            raise drf.ValidationError("An empty string is not an id; send null for none.")
        return super().run_validation(data)

    def to_internal_value(self, data):
        # The pk field's own checks first: its type and range, before any query.
        if self.pk_field is not None:
            self.pk_field.run_validation(data)
        return super().to_internal_value(data)

    def get_queryset(self):
        tenant_id = current_tenant_id()
        if tenant_id is None:  # fail closed
            raise RuntimeError("TenantRelatedField used with no tenant in context")
        rows = self.scoped(tenant_id=tenant_id)
        if self.visible is None:
            return rows
        view = self.context.get("view")
        if view is None:  # fail closed: whose sight would limit it is unknown
            raise RuntimeError("TenantRelatedField(visible=...) used without its view")
        return self.visible(rows, membership=view.viewer)


class TenantUserField(TenantRelatedField):
    """A user id that resolves only among users with a membership in the caller's tenant."""

    def __init__(self, **kwargs):
        from tenants.selectors import tenant_user_list

        super().__init__(
            scoped=tenant_user_list,
            pk_field=IntegerField(min_value=1, max_value=INT64[1]),
            **kwargs,
        )


_STRICT_FIELD_MAPPING = {
    **drf.ModelSerializer.serializer_field_mapping,
    models.CharField: CharField,
    models.TextField: CharField,
    models.EmailField: EmailField,
    models.SlugField: SlugField,
    models.URLField: URLField,
    models.UUIDField: UUIDField,
    models.BooleanField: BooleanField,
    models.IntegerField: IntegerField,
    models.BigIntegerField: IntegerField,
    models.SmallIntegerField: IntegerField,
    models.PositiveIntegerField: IntegerField,
    models.PositiveSmallIntegerField: IntegerField,
    models.PositiveBigIntegerField: IntegerField,
    models.FloatField: FloatField,
    models.DateTimeField: DateTimeField,
    models.DateField: DateField,
    models.TimeField: TimeField,
    models.DurationField: DurationField,
}


class ModelSerializer(drf.ModelSerializer):
    """ModelSerializer building strict fields. An integer field gets the range of its
    column from the model field's validators (Django derives them from the database)."""

    serializer_field_mapping = _STRICT_FIELD_MAPPING
    serializer_choice_field = ChoiceField


class StrictModelSerializer(RejectUnknownFieldsMixin, ModelSerializer):
    """ModelSerializer with strict fields and unknown-field rejection: every input one."""


def validated(serializer_class, data, **kwargs) -> dict:
    """`data` checked by `serializer_class` (400 naming each field), as a plain dict."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
