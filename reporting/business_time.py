"""Business time between two moments, in SQL: the tenant's business calendar (working
days, hours and holidays of `milestones.services.timers.calendar`, the same windows
`milestones.core.timers.business_time_add` counts: [day_start, day_end) in the business
timezone on working weekdays, holidays excepted, DST days as long as they really are).

An expression over columns, so a stay's business time is computed in the statement that
closes it (no extra query in the move) and a rebuild fills a tenant's stays in one UPDATE.
"""

from __future__ import annotations

import json

from milestones.models import Holiday, MilestoneSettings

_SETTINGS = MilestoneSettings._meta
_DEFAULT_TZ = _SETTINGS.get_field("business_timezone").default
_DEFAULT_START = _SETTINGS.get_field("business_day_start").default
_DEFAULT_END = _SETTINGS.get_field("business_day_end").default
_DEFAULT_WEEKDAYS = json.dumps(_SETTINGS.get_field("business_weekdays").default())


def business_seconds_sql(*, start: str, end: str, tenant: str) -> str:
    """A float expression: the seconds of business time in [start, end) for `tenant`
    (SQL expressions, e.g. column names). Zero when `end` is not after `start`."""
    return f"""(
SELECT coalesce(sum(greatest(0, extract(epoch FROM
         least({end}, (d::date + c.day_end) AT TIME ZONE c.tz)
       - greatest({start}, (d::date + c.day_start) AT TIME ZONE c.tz)))), 0)::float8
FROM (SELECT coalesce(ms.business_timezone, '{_DEFAULT_TZ}') AS tz,
             coalesce(ms.business_day_start, '{_DEFAULT_START:%H:%M:%S}'::time) AS day_start,
             coalesce(ms.business_day_end, '{_DEFAULT_END:%H:%M:%S}'::time) AS day_end,
             coalesce(ms.business_weekdays, '{_DEFAULT_WEEKDAYS}'::jsonb) AS weekdays
      FROM (SELECT 1) AS one
      LEFT JOIN {_SETTINGS.db_table} ms ON ms.tenant_id = {tenant}) AS c,
     generate_series(({start} AT TIME ZONE c.tz)::date::timestamp,
                     ({end} AT TIME ZONE c.tz)::date::timestamp, interval '1 day') AS d
WHERE {end} > {start}
  AND c.weekdays @> to_jsonb(extract(isodow FROM d)::int)
  AND NOT EXISTS (SELECT 1 FROM {Holiday._meta.db_table} h
                  WHERE h.tenant_id = {tenant} AND h.date = d::date)
)"""  # noqa: S608 -- table names are the models', the rest are the caller's expressions
