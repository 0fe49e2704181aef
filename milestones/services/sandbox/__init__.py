"""Trying a version before it goes live: sandbox runs and the publish preview.

Re-exports the public services of its modules, so callers import from one place."""

from .publish_preview import (
    framework_version_publish_preview,
)
from .runs import (
    invalid_field,
    real_applications,
    sandbox_application_place,
    sandbox_application_read,
    sandbox_run,
    sandbox_simulate,
    sandbox_version_rules,
    scenario_events,
    scenario_object,
    scenario_text,
)

__all__ = [
    "framework_version_publish_preview",
    "invalid_field",
    "real_applications",
    "sandbox_application_place",
    "sandbox_application_read",
    "sandbox_run",
    "sandbox_simulate",
    "sandbox_version_rules",
    "scenario_events",
    "scenario_object",
    "scenario_text",
]
