"""Query filters of the integrations API (strict: an empty or malformed value is a 400)."""

from __future__ import annotations

import django_filters

from ats_milestones.api.filters import StrictFilterSet
from integrations.models import BackgroundCheck


class BackgroundCheckFilter(StrictFilterSet):
    application = django_filters.UUIDFilter(
        field_name="application_id", label="Only this application's checks."
    )

    class Meta:
        model = BackgroundCheck
        fields: list[str] = []
