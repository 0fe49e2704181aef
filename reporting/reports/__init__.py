"""The reports over the stays read model, one module each; every one takes the same
`ReportFilters` and says whether it counts business or calendar time."""

from reporting.reports.applications import report_applications
from reporting.reports.automation import automation_impact
from reporting.reports.filters import Candidacy, MovedBy, ReportFilters, StayState, TimeBasis
from reporting.reports.funnel import funnel
from reporting.reports.recruiters import recruiter_performance
from reporting.reports.regressions import regressions_feed
from reporting.reports.result import Report
from reporting.reports.sla_exceptions import sla_exceptions
from reporting.reports.time_in_milestone import time_in_milestone
from reporting.reports.time_to_fill import time_to_fill

__all__ = [
    "Candidacy",
    "MovedBy",
    "Report",
    "ReportFilters",
    "StayState",
    "TimeBasis",
    "automation_impact",
    "funnel",
    "recruiter_performance",
    "regressions_feed",
    "report_applications",
    "sla_exceptions",
    "time_in_milestone",
    "time_to_fill",
]
