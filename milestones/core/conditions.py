"""The JSON condition language of automation rules: pure, no ORM, no `eval`.

An expression is one of:

    {}                                              always true
    {"all": [expr, ...]}                            every one holds (an empty list holds)
    {"any": [expr, ...]}                            at least one holds (an empty list does not)
    {"not": expr}                                   the expression does not hold
    {"fact": "payload.score", "op": "gte", "value": 70}   a comparison over a named fact

Operators: eq, ne, lt, lte, gt, gte, in, not_in, contains, exists.
`in`/`not_in` take a list value; `exists` takes an optional boolean value (default true)
and holds when the fact is present (not null); `contains` holds when a list fact has the
value as an item, or a string fact has it as a substring.

Named facts (anything else is refused when the rule is saved):
    application.source, application.hire_type, application.status,
    requisition.type, requisition.department, requisition.job_family,
    requisition.location (codes), candidate.location, candidate.external_id,
    event.type, events_seen (list of event types received for the application),
    payload.<dotted.path> (the event's payload, e.g. payload.result.score).
Candidate names, emails and phones are not facts: a rule does not decide on personal data.

Run time: a missing fact makes every comparison false except `ne`, `not_in` and
`exists: false`, which hold. Ordering (lt/lte/gt/gte) compares numbers with numbers and
strings with strings; anything else (e.g. the string "70" with 70) raises ConditionError,
which the service records as an automation failure with code RULE_ERROR - never silent.
`eq` never treats true as 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

COMPARISONS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "contains", "exists")
ORDERING = {"lt", "lte", "gt", "gte"}
FIXED_FACTS = frozenset(
    {
        "application.source",
        "application.hire_type",
        "application.status",
        "requisition.type",
        "requisition.department",
        "requisition.job_family",
        "requisition.location",
        "candidate.location",
        "candidate.external_id",
        "event.type",
        "events_seen",
    }
)
PAYLOAD_PREFIX = "payload."
_PAYLOAD_PATH = re.compile(r"^payload(\.[A-Za-z0-9_-]+)+$")
MAX_DEPTH = 8
MAX_NODES = 100
MAX_LIST = 200
MISSING = None


@dataclass(frozen=True, slots=True)
class ConditionProblem:
    """One problem of an expression; `path` points at it, e.g. `conditions.all[1].op`."""

    path: str
    message: str


class ConditionError(Exception):
    """An expression that cannot be evaluated on these facts (a RULE_ERROR at run time)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def is_known_fact(name: Any, extra_facts: frozenset[str] = frozenset()) -> bool:
    return isinstance(name, str) and (
        name in FIXED_FACTS or name in extra_facts or bool(_PAYLOAD_PATH.match(name))
    )


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def validate(
    expr: Any, path: str = "conditions", *, extra_facts: frozenset[str] = frozenset()
) -> list[ConditionProblem]:
    """Every problem of `expr`, each with the path of the bad part (empty when valid).
    `extra_facts` names the facts another user of the language adds (approvals' offer facts)."""
    problems: list[ConditionProblem] = []
    count = [0]
    _validate(expr, path, 1, problems, count, extra_facts)
    if count[0] > MAX_NODES:
        problems.append(ConditionProblem(path, f"at most {MAX_NODES} conditions in one rule"))
    return problems


def _validate(expr, path, depth, problems, count, extra_facts=frozenset()) -> None:
    count[0] += 1
    if depth > MAX_DEPTH:
        problems.append(ConditionProblem(path, f"nested deeper than {MAX_DEPTH} levels"))
        return
    if not isinstance(expr, Mapping):
        problems.append(ConditionProblem(path, "must be an object"))
        return
    if not expr:
        return
    keys = set(expr)
    if keys & {"all", "any", "not"}:
        if len(keys) != 1:
            problems.append(
                ConditionProblem(
                    path, f"'all', 'any' or 'not' stands alone; also got {sorted(keys)}"
                )
            )
            return
        (key,) = keys
        if key == "not":
            _validate(expr["not"], f"{path}.not", depth + 1, problems, count, extra_facts)
            return
        items = expr[key]
        if not isinstance(items, list):
            problems.append(ConditionProblem(f"{path}.{key}", "must be a list of conditions"))
            return
        for index, item in enumerate(items):
            _validate(item, f"{path}.{key}[{index}]", depth + 1, problems, count, extra_facts)
        return
    _validate_comparison(expr, path, problems, extra_facts)


def _validate_comparison(
    expr: Mapping, path: str, problems: list, extra_facts: frozenset[str] = frozenset()
) -> None:
    unknown = set(expr) - {"fact", "op", "value"}
    if unknown:
        problems.append(
            ConditionProblem(
                path,
                f"unknown keys {sorted(unknown)}; use all/any/not or fact/op/value",
            )
        )
        return
    fact, op = expr.get("fact"), expr.get("op")
    if not is_known_fact(fact, extra_facts):
        known = ", ".join(sorted(FIXED_FACTS | extra_facts))
        problems.append(
            ConditionProblem(
                f"{path}.fact", f"unknown fact {fact!r}; known: {known}, payload.<path>"
            )
        )
    if op not in COMPARISONS:
        problems.append(
            ConditionProblem(f"{path}.op", f"unknown operator {op!r}; use one of {COMPARISONS}")
        )
        return
    has_value = "value" in expr
    value = expr.get("value")
    if op == "exists":
        if has_value and not isinstance(value, bool):
            problems.append(ConditionProblem(f"{path}.value", "exists takes true or false"))
    elif not has_value:
        problems.append(ConditionProblem(f"{path}.value", f"{op} needs a value"))
    elif op in ("in", "not_in"):
        if not isinstance(value, list) or not all(_is_scalar(v) for v in value):
            problems.append(ConditionProblem(f"{path}.value", f"{op} needs a list of values"))
        elif len(value) > MAX_LIST:
            problems.append(ConditionProblem(f"{path}.value", f"at most {MAX_LIST} values"))
    elif op in ORDERING:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            problems.append(ConditionProblem(f"{path}.value", f"{op} needs a number or a string"))
    elif not _is_scalar(value):
        problems.append(ConditionProblem(f"{path}.value", f"{op} needs a single value"))


# -- evaluation ---------------------------------------------------------------------------


def fact_value(facts: Mapping[str, Any], name: str) -> Any:
    """The value of a named fact; `payload.a.b` walks the `payload` mapping."""
    if name.startswith(PAYLOAD_PREFIX):
        current: Any = facts.get("payload")
        for part in name[len(PAYLOAD_PREFIX) :].split("."):
            if not isinstance(current, Mapping):
                return MISSING
            current = current.get(part)
        return current
    return facts.get(name)


def evaluate(expr: Mapping[str, Any], facts: Mapping[str, Any], path: str = "conditions") -> bool:
    """Whether a validated expression holds for `facts` (fact name -> value, with the event
    payload under "payload"). Raises ConditionError where the values cannot be compared."""
    if not expr:
        return True
    if "all" in expr:
        return all(evaluate(item, facts, f"{path}.all[{i}]") for i, item in enumerate(expr["all"]))
    if "any" in expr:
        return any(evaluate(item, facts, f"{path}.any[{i}]") for i, item in enumerate(expr["any"]))
    if "not" in expr:
        return not evaluate(expr["not"], facts, f"{path}.not")
    return _compare(expr, fact_value(facts, expr["fact"]), path)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    return left == right


def _compare(expr: Mapping[str, Any], actual: Any, path: str) -> bool:
    op, expected = expr["op"], expr.get("value")
    if op == "exists":
        return (actual is not MISSING) == (expected if isinstance(expected, bool) else True)
    if actual is MISSING:
        return op in ("ne", "not_in")
    if op == "eq":
        return _equal(actual, expected)
    if op == "ne":
        return not _equal(actual, expected)
    if op in ("in", "not_in"):
        found = any(_equal(actual, item) for item in expected)
        return found if op == "in" else not found
    if op == "contains":
        if isinstance(actual, list):
            return any(_equal(item, expected) for item in actual)
        if isinstance(actual, str) and isinstance(expected, str):
            return expected in actual
        raise ConditionError(
            path, f"{expr['fact']} is {type(actual).__name__}; contains needs a list or text"
        )
    comparable = (_number(actual) and _number(expected)) or (
        isinstance(actual, str) and isinstance(expected, str)
    )
    if not comparable:
        raise ConditionError(
            path,
            f"cannot compare {expr['fact']} ({type(actual).__name__} {actual!r}) "
            f"{op} {type(expected).__name__} {expected!r}",
        )
    if op == "lt":
        return actual < expected
    if op == "lte":
        return actual <= expected
    if op == "gt":
        return actual > expected
    return actual >= expected


def facts_named(expr: Any) -> set[str]:
    """The fact names an expression reads (to gather only those)."""
    if not isinstance(expr, Mapping):
        return set()
    names: set[str] = set()
    for key in ("all", "any"):
        for item in expr.get(key) or []:
            names |= facts_named(item)
    if "not" in expr:
        names |= facts_named(expr["not"])
    if isinstance(expr.get("fact"), str):
        names.add(expr["fact"])
    return names


# -- wording ------------------------------------------------------------------------------

_OP_WORDS = {
    "eq": "is",
    "ne": "is not",
    "lt": "is below",
    "lte": "is at most",
    "gt": "is above",
    "gte": "is at least",
    "in": "is one of",
    "not_in": "is none of",
    "contains": "includes",
}


def _value_words(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value_words(item) for item in value) or "nothing"
    return str(value).replace("_", " ")


def condition_words(expr: Any, labels: Mapping[str, str] | None = None) -> str:
    """An expression as a phrase a person reads: "the hire type is executive and the
    salary against the band is above". `labels` names facts ("offer.salary" -> "the
    salary"); an unnamed fact reads as its name with spaces. `{}` reads "always"."""
    return _words(expr, labels or {}, nested=False)


def _words(expr: Any, labels: Mapping[str, str], *, nested: bool) -> str:
    if not isinstance(expr, Mapping) or not expr:
        return "always"
    for key, joint in (("all", " and "), ("any", " or ")):
        if key in expr:
            parts = [_words(item, labels, nested=True) for item in expr[key]]
            if not parts:
                return "always" if key == "all" else "never"
            text = joint.join(parts)
            return f"({text})" if nested and len(parts) > 1 else text
    if "not" in expr:
        return f"not {_words(expr['not'], labels, nested=True)}"
    fact = expr.get("fact", "")
    name = labels.get(fact) or "the " + str(fact).replace(".", " ").replace("_", " ")
    op = expr.get("op")
    value = expr.get("value")
    if isinstance(value, bool) and op in ("eq", "ne"):  # a yes/no fact reads as a statement
        return name if (op == "eq") == value else f"not {name}"
    if op == "exists":
        return f"{name} {'is known' if expr.get('value', True) else 'is not known'}"
    return f"{name} {_OP_WORDS.get(op, str(op))} {_value_words(expr.get('value'))}"
