"""What the approvals serializers share: money, people, who acts, round references."""

from __future__ import annotations

from ats_milestones.api import serializers
from ats_milestones.api.serializers import (
    Serializer,
    TenantUserField,
)

_STAMPS = ("id", "created_at", "updated_at")
DECISION_CHOICES = (("approve", "Approve"), ("decline", "Decline"))


def scoped(model):
    return lambda *, tenant_id: model.objects.for_tenant(tenant_id)


def money_field(*, read_only: bool = False, **kwargs):
    """An amount as a decimal string ("120000.00"): up to 12 digits and 2 decimals, never
    negative (the service checks it again)."""
    if read_only:
        return serializers.CharField(read_only=True, **kwargs)
    return serializers.RegexField(
        r"^\d{1,12}(\.\d{1,2})?$",
        help_text='A decimal string such as "120000.00".',
        **kwargs,
    )


ACTING_USER_HELP = (
    "API clients only: the person this write is done for (a member of the tenant; their "
    "role's capabilities apply, and a decision is theirs). A person signed in acts as "
    "themselves and leaves it out."
)


class ActingUserMixin(Serializer):
    acting_user = TenantUserField(required=False, allow_null=True, help_text=ACTING_USER_HELP)


class RoundRefSerializer(Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    status = serializers.CharField()


def round_ref(round_) -> dict | None:
    if round_ is None:
        return None
    return {"id": round_.pk, "number": round_.number, "status": round_.status}
