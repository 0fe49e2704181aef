"""Gathering the facts gates need, so the engine itself never touches the database.

Another app (approvals) registers a provider that adds its own facts under `Facts.extra`;
providers get the locked application and its milestone rows and may run their own query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from milestones.core.gates import Facts, gate_fields_needed

FactProvider = Callable[..., dict[str, Any]]
FACT_PROVIDERS: list[FactProvider] = []


def register_fact_provider(provider: FactProvider) -> FactProvider:
    """`provider(*, application, rows) -> dict` merged into `Facts.extra`."""
    if provider not in FACT_PROVIDERS:
        FACT_PROVIDERS.append(provider)
    return provider


def _field_value(application, name: str) -> Any:
    owner_name, attribute = name.split(".", 1)
    owner = application if owner_name == "application" else application.candidate
    return getattr(owner, attribute, None)


def application_gate_fields(*, application, gates: Iterable) -> dict[str, Any]:
    """The application's and candidate's fields that `gates` name (what gates read)."""
    return {name: _field_value(application, name) for name in gate_fields_needed(list(gates))}


def application_facts(*, application, rows: Iterable) -> Facts:
    """Facts of one application: the fields its gates name, its milestone states, extras."""
    rows = list(rows)
    gates = [gate for row in rows for gate in (row.milestone.gate_conditions or [])]
    fields = application_gate_fields(application=application, gates=gates)
    return Facts(
        fields=fields,
        milestone_states={row.milestone.code: row.state for row in rows},
        extra=application_fact_extras(application=application, rows=rows),
    )


def application_fact_extras(*, application, rows: list) -> dict[str, Any]:
    """What the registered fact providers (approvals, ...) say of one application."""
    extra: dict[str, Any] = {}
    for provider in FACT_PROVIDERS:
        extra.update(provider(application=application, rows=rows))
    return extra
