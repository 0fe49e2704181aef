"""What other apps say about an application on the board and on its page ("Awaiting
approval: step 2 of 3 (HRBP)"), without milestones importing them: an app above registers a
provider in its `ready()`, and each provider answers for any number of applications in a
constant number of queries (the board asks once for all its cards)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ApplicationBadge:
    text: str  # what a person reads: "Awaiting approval: step 2 of 3 (HRBP)"
    url: str = ""  # the page it is about, if any
    link_text: str = ""  # on the application page: "Open the offer"
    tone: str = ""  # "", "warning", "success" or "danger" (the badge colours)
    testid: str = ""
    # A button beside it on the application page (a POST to `action_url`, back to the page),
    # shown to those holding `action_capability` ("Retry").
    action_url: str = ""
    action_text: str = ""
    action_capability: str = ""
    sensitive: bool = False  # shown only to those who may see sensitive milestones


#: provider(application_ids, *, detail) -> {application_id: badge}. `detail` is True on one
#: application's own page (one id), where a provider may say more (an offer not yet
#: requested).
BadgeProvider = Callable[..., dict[object, ApplicationBadge]]
_PROVIDERS: list[BadgeProvider] = []


def register_application_badges(provider: BadgeProvider) -> BadgeProvider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def application_badges(
    application_ids: Iterable, *, detail: bool = False
) -> dict[object, list[ApplicationBadge]]:
    ids = list(application_ids)
    badges: dict[object, list[ApplicationBadge]] = {}
    if not ids:
        return badges
    for provider in _PROVIDERS:
        for application_id, badge in provider(ids, detail=detail).items():
            badges.setdefault(application_id, []).append(badge)
    return badges
