"""The reports over the stays read model, one module each; every one takes the same
`ReportFilters` and says whether it counts business or calendar time."""

from reporting.reports.applications import report_applications
from reporting.reports.filters import Candidacy, MovedBy, ReportFilters, TimeBasis
from reporting.reports.funnel import funnel
from reporting.reports.result import Report
from reporting.reports.sla_exceptions import sla_exceptions
from reporting.reports.time_in_milestone import time_in_milestone

__all__ = [
    "Candidacy",
    "MovedBy",
    "Report",
    "ReportFilters",
    "TimeBasis",
    "funnel",
    "report_applications",
    "sla_exceptions",
    "time_in_milestone",
]
