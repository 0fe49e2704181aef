"""Audit actions read in words, after who did them ("Rita Moreno: Moved a candidate"): the
kernel's from AuditAction, the apps' registered from their AppConfig.ready."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from audit.selectors import action_label, named_actions

ROOT = Path(__file__).resolve().parents[2]
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")


def test_registered_actions_read_in_words_and_others_from_their_code():
    assert action_label("milestone.transitioned") == "Moved a candidate"
    assert action_label("approval.approved_step") == "Approved a step"
    assert action_label("connection.signing_secret_rotated") == "Rotated a signing secret"
    assert action_label("access.forbidden") == "Action refused"
    assert action_label("someone.did_this") == "Someone did this"


def _declared_actions() -> dict[str, str]:
    """Every module-level `AUDIT_<NAME> = "app.action"` of the apps (object types aside)."""
    found = {}
    for path in ROOT.glob("*/**/*.py"):
        if any(part in {".venv", "tests", "migrations", "bench"} for part in path.parts):
            continue
        for node in ast.parse(path.read_text()).body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.startswith("AUDIT_")
                and not node.targets[0].id.startswith("AUDIT_OBJECT_")
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                and ACTION.match(node.value.value)
            ):
                found[node.value.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_declared_action_has_words():
    declared = _declared_actions()
    assert "milestone.transitioned" in declared  # the scan sees the apps
    unnamed = {action: where for action, where in declared.items() if action not in named_actions()}
    assert unnamed == {}
