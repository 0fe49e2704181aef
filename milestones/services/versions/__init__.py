"""Designing workflows: frameworks, versions and their lifecycle, milestones, automation
rules, escalation levels and deadline rules of a draft.

Re-exports the public services of its modules, so callers import from one place."""

from .automation_rules import (
    automation_rule_create,
    automation_rule_delete,
    automation_rule_update,
    automation_rules_copy,
)
from .deadlines import (
    deadline_rule_create,
    deadline_rule_delete,
    deadline_rule_update,
    deadline_rules_copy,
)
from .definitions import (
    milestone_definition_create,
    milestone_definition_delete,
    milestone_definition_update,
    milestone_definitions_reorder,
)
from .drafts import (
    version_lock,
    version_require_draft,
)
from .escalations import (
    escalation_level_of,
    escalation_rule_create,
    escalation_rule_delete,
    escalation_rule_update,
    escalation_rules_copy,
    validate_recipients,
)
from .frameworks import (
    framework_create,
    framework_delete,
    framework_update,
    milestone_settings_lock,
    milestone_settings_update,
)
from .lifecycle import (
    framework_version_copy_to_draft,
    framework_version_create_draft,
    framework_version_pilot,
    framework_version_publish,
    framework_version_retire,
    requisition_framework_version_pin,
)

__all__ = [
    "automation_rule_create",
    "automation_rule_delete",
    "automation_rule_update",
    "automation_rules_copy",
    "deadline_rule_create",
    "deadline_rule_delete",
    "deadline_rule_update",
    "deadline_rules_copy",
    "escalation_level_of",
    "escalation_rule_create",
    "escalation_rule_delete",
    "escalation_rule_update",
    "escalation_rules_copy",
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
    "milestone_settings_lock",
    "milestone_settings_update",
    "requisition_framework_version_pin",
    "validate_recipients",
    "version_lock",
    "version_require_draft",
]
