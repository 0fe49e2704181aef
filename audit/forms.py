"""The auditor's search form (the page and its CSV read the same fields)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone


class AuditSearchForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label="Who (username)")
    action = forms.CharField(
        required=False, max_length=60, label="Action", help_text='e.g. "milestone." for all'
    )
    object_type = forms.CharField(required=False, max_length=60, label="Object type")
    object_id = forms.CharField(required=False, max_length=64, label="Object id")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"})
    )
    on_behalf_of = forms.CharField(required=False, max_length=150, label="On behalf of (username)")
    request_id = forms.CharField(required=False, max_length=64, label="Request id")
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end is before the start.")
        return data

    def selector_arguments(self, *, actor_user_id, on_behalf_of_user_id=None) -> dict:
        """The search's arguments for audit_event_search (days as the tenant's midnights)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        zone = timezone.get_current_timezone()

        def midnight(day):
            return timezone.make_aware(datetime.combine(day, time.min), zone)

        return {
            "actor_user_id": actor_user_id,
            "on_behalf_of_user_id": on_behalf_of_user_id,
            "action": data.get("action", ""),
            "object_type": data.get("object_type", ""),
            "object_id": data.get("object_id", ""),
            "since": midnight(data["since"]) if data.get("since") else None,
            "until": midnight(data["until"] + timedelta(days=1)) if data.get("until") else None,
            "before_seq": data.get("before"),
            "request_id": data.get("request_id", ""),
        }
