"""What a member may do in the pages, by role: the one place templates and views ask.

Pages show a control only when its capability is in `capabilities` (the context processor
`tenants.context_processors.capabilities`), and the view behind it refuses the same roles,
so hiding a button is never the only guard.
"""

from __future__ import annotations

from tenants.models import Role

MOVE = "move"  # advance, skip, bypass, reject or withdraw a candidate

_BY_ROLE: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({MOVE}),
    Role.RECRUITER: frozenset({MOVE}),
    Role.COORDINATOR: frozenset({MOVE}),
    Role.HIRING_MANAGER: frozenset({MOVE}),
    Role.HRBP: frozenset(),
    Role.AUDITOR: frozenset(),
}


def capabilities_for(membership) -> frozenset[str]:
    """The capabilities of a membership (none without one: fail closed)."""
    role = getattr(membership, "role", None)
    return _BY_ROLE.get(role, frozenset())
