"""Every write of the milestone module (re-exported so callers import from one place)."""

from .automation import (
    application_event_receive,
    application_skip_rules_apply,
)
from .automation_rules import (
    automation_rule_create,
    automation_rule_delete,
    automation_rule_update,
)
from .facts import register_fact_provider
from .frameworks import (
    framework_create,
    framework_delete,
    framework_update,
    framework_version_copy_to_draft,
    framework_version_create_draft,
    framework_version_pilot,
    framework_version_publish,
    framework_version_retire,
    milestone_definition_create,
    milestone_definition_delete,
    milestone_definition_update,
    milestone_definitions_reorder,
    milestone_settings_get,
    milestone_settings_update,
    requisition_framework_version_pin,
)
from .transitions import application_milestones_initialize, application_transition

__all__ = [
    "application_event_receive",
    "application_skip_rules_apply",
    "automation_rule_create",
    "automation_rule_delete",
    "automation_rule_update",
    "application_milestones_initialize",
    "application_transition",
    "framework_create",
    "framework_delete",
    "framework_update",
    "framework_version_copy_to_draft",
    "framework_version_create_draft",
    "framework_version_pilot",
    "framework_version_publish",
    "framework_version_retire",
    "milestone_definition_create",
    "milestone_definition_delete",
    "milestone_definition_update",
    "milestone_definitions_reorder",
    "milestone_settings_get",
    "milestone_settings_update",
    "register_fact_provider",
    "requisition_framework_version_pin",
]
