"""Who a write of the approvals API is done by: a person signed in is themselves; an API
client names the person it acts for by the `On-Behalf-Of` header (resolved by the API kernel,
`view.on_behalf_of_user_id`) or, equivalently, `acting_user` in the body."""

from __future__ import annotations

from dataclasses import replace

from ats_milestones.errors import InvalidInput
from tenants.actors import Actor
from tenants.models import Membership


def acting_actor(
    view, data: dict, *, person_required: bool = False, role_read_by_service: bool = False
) -> Actor:
    """The Actor for the services; pops `acting_user` (a user, or a user id when the
    service looks the person up) from `data`. A person naming someone else, or (when
    `person_required`) an API client naming nobody, is a 400 naming `acting_user`. With
    `role_read_by_service` an API client's person is neither looked up nor given a role here:
    the service reads both with what it locks (`approval_decide`)."""
    actor = view.actor
    named = data.pop("acting_user", None)
    named_id = getattr(named, "pk", named)
    if view.api_client is None:
        if named_id is not None and named_id != actor.user_id:
            raise InvalidInput(
                "A person signed in acts as themselves.",
                fields={"acting_user": ["leave it out: only API clients act for someone"]},
            )
        return actor
    user_id = getattr(view, "on_behalf_of_user_id", None) or named_id
    if user_id is None:
        if person_required:
            raise InvalidInput(
                "Name the person this is done for.",
                fields={"acting_user": ["required for an API client"]},
            )
        return actor
    if role_read_by_service:
        return replace(actor, user_id=user_id, role=None)
    role = Membership.objects.filter(user_id=user_id, is_active=True).values_list("role", flat=True)
    # The caller's Actor with the person filled in: whatever else the kernel put in it
    # (its client address, the On-Behalf-Of it resolved) stays.
    return replace(actor, user_id=user_id, role=next(iter(role), None))
