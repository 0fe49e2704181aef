"""Automation at run time: events received and the rules they trigger, and the failures
recorded when a rule cannot carry out what it says.

Re-exports the public services of its modules, so callers import from one place."""

from .events import (
    application_event_evaluate,
    application_event_receive,
    application_rule_facts,
    application_skip_rules_apply,
    automation_rule_view,
)
from .failures import (
    automation_failure_dismiss,
    automation_failure_record,
    automation_failure_retry,
)

__all__ = [
    "application_event_evaluate",
    "application_event_receive",
    "application_rule_facts",
    "application_skip_rules_apply",
    "automation_failure_dismiss",
    "automation_failure_record",
    "automation_failure_retry",
    "automation_rule_view",
]
