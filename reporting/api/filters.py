"""List filters of the alert endpoints; a malformed value answers 400 naming the parameter."""

from __future__ import annotations

import django_filters

from milestones.models import AutomationFailure, FailureSource, FailureStatus
from notifications.models import Notification


class AutomationFailureFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FailureStatus.choices)
    source = django_filters.ChoiceFilter(choices=FailureSource.choices)
    application_id = django_filters.UUIDFilter(field_name="application_id")

    class Meta:
        model = AutomationFailure
        fields = ()


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="true: unread only; false: read only."
    )

    class Meta:
        model = Notification
        fields = ()
