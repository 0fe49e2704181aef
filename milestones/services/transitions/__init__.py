"""Moving applications: the one transition service, its single write, the facts gates read,
and an application's entry into its workflow.

Re-exports the public services of its modules, so callers import from one place."""

from .facts import (
    application_fact_extras,
    application_facts,
    application_gate_fields,
    register_fact_provider,
)
from .move_sql import (
    application_lock_and_load,
    move_write,
)
from .moves import (
    application_transition,
    milestone_row_enter,
    milestone_rule,
)

__all__ = [
    "application_fact_extras",
    "application_facts",
    "application_gate_fields",
    "application_lock_and_load",
    "application_transition",
    "milestone_row_enter",
    "milestone_rule",
    "move_write",
    "register_fact_provider",
]
