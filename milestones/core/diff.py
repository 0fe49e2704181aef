"""What one application's simulated steps under one version do differently under another.

Pure (no ORM, no I/O): `diff_steps(old, new)` takes two step lists of
`milestones.core.simulation.simulate` for the same application, clock and events, and answers
the differences, each in structure and in words. Rule ids are ignored (a version copied
to a draft has new rows with the same names): rules are matched by name, and the id a
reason names is left out of the comparison.

Steps are paired in three passes, in time order: first identical steps (they are no
difference), then steps of the same kind from the same milestone by the same rule, then
steps of the same kind from the same milestone (another rule). A paired step that is not
identical is a change naming the fields that differ; an unpaired one is only in the old
or only in the new version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

ONLY_IN_OLD, ONLY_IN_NEW, CHANGED = "only_in_old", "only_in_new", "changed"
DIFFERENCE_KINDS = (ONLY_IN_OLD, ONLY_IN_NEW, CHANGED)
#: The fields of a step compared once two steps are paired (the rule by its name).
COMPARED_FIELDS = ("at", "to_code", "rule", "error_code", "reason")


def _rule_name(step: dict) -> str | None:
    return (step.get("rule") or {}).get("name")


def _reason(step: dict) -> str:
    """The reason without the rule's id (an automation rule's reason names it)."""
    reason, rule_id = step.get("reason") or "", (step.get("rule") or {}).get("id")
    return reason.replace(f" ({rule_id})", "") if rule_id else reason


def _value(step: dict, name: str):
    if name == "rule":
        return _rule_name(step)
    return _reason(step) if name == "reason" else step.get(name)


def _identical(step: dict) -> tuple:
    return (step["kind"], step.get("from_code"), *(_value(step, f) for f in COMPARED_FIELDS))


def _same_rule(step: dict) -> tuple:
    return (step["kind"], step.get("from_code"), _rule_name(step))


def _same_kind(step: dict) -> tuple:
    return (step["kind"], step.get("from_code"))


def _when(value: str | None) -> str:
    if not value:
        return "—"
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC")


def describe_step(step: dict) -> str:
    """One step in words: `escalation at SCREEN (SCREEN level 1), 2026-03-02 13:00 UTC: …`."""
    where = step.get("from_code") or "—"
    if step.get("to_code"):
        where += f" → {step['to_code']}"
    rule = _rule_name(step)
    words = f"{step['kind'].replace('_', ' ')} {where}"
    if rule:
        words += f" ({rule})"
    if step.get("error_code"):
        words += f" [{step['error_code']}]"
    return f"{words}, {_when(step.get('at'))}: {_reason(step)}"


def _changed_words(old: dict, new: dict, fields: Sequence[str]) -> str:
    parts = []
    for name in fields:
        before, after = _value(old, name), _value(new, name)
        if name == "at":
            parts.append(f"time {_when(before)} → {_when(after)}")
        elif name == "to_code":
            parts.append(f"target {before or '—'} → {after or '—'}")
        elif name == "rule":
            parts.append(f"rule {before or '—'} → {after or '—'}")
        elif name == "error_code":
            parts.append(f"outcome {before or 'allowed'} → {after or 'allowed'}")
        else:
            parts.append(f"reason “{before}” → “{after}”")
    where = old.get("from_code") or "—"
    return f"{old['kind'].replace('_', ' ')} at {where}: " + "; ".join(parts)


def _difference(kind: str, old: dict | None, new: dict | None) -> dict:
    step = old if old is not None else new
    assert step is not None
    fields: list[str] = []
    if kind == CHANGED:
        assert old is not None and new is not None
        fields = [f for f in COMPARED_FIELDS if _value(old, f) != _value(new, f)]
        words = _changed_words(old, new, fields)
    elif kind == ONLY_IN_OLD:
        words = "no longer: " + describe_step(step)
    else:
        words = "new: " + describe_step(step)
    return {
        "change": kind,
        "kind": step["kind"],
        "from_code": step.get("from_code"),
        "at": step.get("at"),
        "fields": fields,
        "old": old,
        "new": new,
        "summary": words,
    }


def _pair(
    old: list[tuple[int, dict]], new: list[tuple[int, dict]], key: Callable[[dict], tuple]
) -> tuple[list[tuple[dict, dict]], list[tuple[int, dict]], list[tuple[int, dict]]]:
    """Pair each old step with the first unpaired new step of the same key, in order."""
    waiting: dict[tuple, list[tuple[int, dict]]] = {}
    for item in new:
        waiting.setdefault(key(item[1]), []).append(item)
    pairs, old_left = [], []
    for item in old:
        candidates = waiting.get(key(item[1]))
        if candidates:
            pairs.append((item[1], candidates.pop(0)[1]))
        else:
            old_left.append(item)
    new_left = sorted((i for items in waiting.values() for i in items), key=lambda i: i[0])
    return pairs, old_left, new_left


def diff_steps(old: Sequence[dict], new: Sequence[dict]) -> list[dict]:
    """The differences between the steps of one application under the old and the new
    version: `{change, kind, from_code, at, fields, old, new, summary}` in time order
    (`fields` names what differs in a `changed` pair). Empty: nothing differs."""
    old_left = list(enumerate(old))
    new_left = list(enumerate(new))
    _, old_left, new_left = _pair(old_left, new_left, _identical)
    differences: list[dict] = []
    for key in (_same_rule, _same_kind):
        pairs, old_left, new_left = _pair(old_left, new_left, key)
        differences.extend(_difference(CHANGED, o, n) for o, n in pairs)
    differences.extend(_difference(ONLY_IN_OLD, step, None) for _, step in old_left)
    differences.extend(_difference(ONLY_IN_NEW, None, step) for _, step in new_left)
    return sorted(
        differences,
        key=lambda d: (
            datetime.fromisoformat(d["at"]),
            DIFFERENCE_KINDS.index(d["change"]),
        ),
    )
