"""Strict JSON fields: a value of the wrong JSON type is a 400, never coerced.

DRF's own fields are lenient in ways a contract cannot describe: `5` becomes the string
"5", `1` and `"yes"` become `true`, `"3"` becomes `3`, a year 330 timestamp is stored and
comes back as `"330-08-19T..."`, an offset on a time of day is silently dropped. Each field
here refuses those with the usual "invalid" message, so the error names the field.

Every serializer of the API gets these through `ats_milestones.api.serializers`, which is
DRF's `serializers` namespace with these classes in place of DRF's.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

#: Accepted years of dates and timestamps: output stays RFC 3339 (four-digit years), and
#: no UTC conversion falls off the end of the calendar.
MIN_YEAR, MAX_YEAR = 1900, 2999
#: An integer field that states no range holds a 32-bit signed column.
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

_YEAR_MESSAGE = f"The year must be between {MIN_YEAR} and {MAX_YEAR}."


class _StrictString:
    """Only a JSON string is a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(_StrictString, serializers.CharField):
    default_error_messages = {"invalid": "Not a valid string."}


class EmailField(_StrictString, serializers.EmailField):
    pass


class SlugField(_StrictString, serializers.SlugField):
    pass


class RegexField(_StrictString, serializers.RegexField):
    pass


class URLField(_StrictString, serializers.URLField):
    pass


class UUIDField(_StrictString, serializers.UUIDField):
    def to_internal_value(self, data):
        if not isinstance(data, str):  # DRF would read an integer as UUID(int=...)
            self.fail("invalid", value=data)
        return serializers.UUIDField.to_internal_value(self, data)


class BooleanField(serializers.BooleanField):
    """`true` or `false`; not 0/1 and not "yes"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class IntegerField(serializers.IntegerField):
    """A JSON integer (not a string, not a boolean) inside a stated range; without one,
    inside a 32-bit column, so no value reaches the database that it cannot hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", INT32[0])
        kwargs.setdefault("max_value", INT32[1])
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        if isinstance(data, float) and not data.is_integer():
            self.fail("invalid")
        return int(data)


class QueryIntegerField(IntegerField):
    """An integer as a query string carries it: decimal digits (a JSON body's integers are
    `IntegerField`'s). "7" is 7; "7.0", " 7", "0x7" and "true" are refused."""

    def to_internal_value(self, data):
        if isinstance(data, str) and re.fullmatch(r"-?[0-9]{1,19}", data):
            data = int(data)
        return super().to_internal_value(data)


class FloatField(serializers.FloatField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        if not math.isfinite(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class DateTimeField(serializers.DateTimeField):
    """An ISO-8601 string with a year in MIN_YEAR..MAX_YEAR."""

    default_error_messages = {"year": _YEAR_MESSAGE}

    def to_internal_value(self, value):
        if isinstance(value, datetime):
            return super().to_internal_value(value)
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]")
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None and not MIN_YEAR <= parsed.year <= MAX_YEAR:
            self.fail("year")
        return super().to_internal_value(value)


class DateField(serializers.DateField):
    default_error_messages = {"year": _YEAR_MESSAGE}

    def to_internal_value(self, value):
        if isinstance(value, date) and not isinstance(value, datetime):
            return super().to_internal_value(value)
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DD")
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None and not MIN_YEAR <= parsed.year <= MAX_YEAR:
            self.fail("year")
        return super().to_internal_value(value)


TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": TIME_PATTERN,
        "example": "09:00:00",
        "description": "A time of day without an offset (the tenant's business time zone).",
    }
)
class TimeField(serializers.TimeField):
    """A wall-clock time `HH:MM[:SS[.ffffff]]`: no offset (which Django would drop)."""

    _time = re.compile(TIME_PATTERN)

    def to_internal_value(self, value):
        if isinstance(value, time):
            return super().to_internal_value(value)
        if not isinstance(value, str) or not self._time.match(value):
            self.fail("invalid", format="hh:mm[:ss[.uuuuuu]]")
        return super().to_internal_value(value)


class DurationField(serializers.DurationField):
    """`[DD] [HH:[MM:]]ss[.uuuuuu]` as a string; too large a duration is invalid, not a 500."""

    def to_internal_value(self, value):
        if isinstance(value, timedelta):
            return super().to_internal_value(value)
        if not isinstance(value, str):
            self.fail("invalid", format="[DD] [HH:[MM:]]ss[.uuuuuu]")
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("invalid", format="[DD] [HH:[MM:]]ss[.uuuuuu]")


class ChoiceField(serializers.ChoiceField):
    """A choice is one of its strings (DRF would take `1` for "1" and `true` for "True")."""

    def to_internal_value(self, data):
        if not isinstance(data, str | int) or isinstance(data, bool):
            self.fail("invalid_choice", input=data)
        if isinstance(data, int) and data not in self.choices:
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)
