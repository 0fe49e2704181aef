"""The name people read for a user: their full name, else their username. The one helper
for Python (`person_name`, `user_names`) and for templates (`{{ user|person }}` after
`{% load people %}`, tenants/templatetags/people.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

#: The columns `person_name` reads, for `.only(...)`.
NAME_FIELDS = ("pk", "first_name", "last_name", "username")


def person_name(user) -> str | None:
    """The full name, else the username (None for nobody)."""
    return None if user is None else (user.get_full_name() or user.get_username())


def user_names(user_ids) -> dict[int, str]:
    """The names of these users, in one query."""
    users = get_user_model().objects.filter(pk__in=set(user_ids)).only(*NAME_FIELDS)
    return {user.pk: person_name(user) for user in users}
