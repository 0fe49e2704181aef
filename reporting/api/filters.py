"""List filters of the alert endpoints; a malformed value answers 400 naming the parameter."""

from __future__ import annotations

import django_filters

from ats_milestones.api.filters import BooleanFilter, StrictFilterSet
from milestones.models import AutomationFailure, FailureSource, FailureStatus
from notifications.models import Notification


class AutomationFailureFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=FailureStatus.choices)
    source = django_filters.ChoiceFilter(choices=FailureSource.choices)
    application_id = django_filters.UUIDFilter(field_name="application_id")

    class Meta:
        model = AutomationFailure
        fields = ()


class NotificationFilter(StrictFilterSet):
    unread = BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="true: unread only; false: read only."
    )

    class Meta:
        model = Notification
        fields = ()
