"""Words a person reads for durations and dates: "5 days", "Offer expired on Dec 4, 2026 at
09:00 UTC". Pure functions (the sweep, the sandbox and the pages share them)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))
# A deadline's kind names a date by its event ("offer_expires_at"): the verb, then its past.
_PAST = {"expires": "expired", "starts": "started", "ends": "ended", "begins": "began"}
_PAST.update({"closes": "closed", "opens": "opened", "is_due": "was due", "due": "was due"})


def duration_words(value: timedelta | None, *, parts: int = 2) -> str:
    """ "5 days", "2 days 3 hours", "45 minutes", "1 day before" for a negative offset."""
    if value is None:
        return ""
    seconds = int(abs(value.total_seconds()))
    words = []
    for unit, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            words.append(f"{count} {unit}{'' if count == 1 else 's'}")
    text = " ".join(words[:parts]) or "no time"
    return f"{text} before" if value < timedelta(0) else text


def when_words(at: datetime) -> str:
    """ "Dec 4, 2026 at 09:00 UTC" """
    return f"{at:%b} {at.day}, {at:%Y} at {at:%H:%M} UTC"


def deadline_words(kind: str, at: datetime, now: datetime) -> str:
    """One sentence for an application's date at `now`, past or still to come:
    "Offer expired on Dec 4, 2026 at 09:00 UTC." / "Offer expires on Dec 4, 2026 at 09:00
    UTC, in 2 days." A kind without a known verb reads "Start date: ..." style."""
    words = kind.removesuffix("_at").removesuffix("_on").split("_")
    verb_at = next((i for i, word in enumerate(words) if word in _PAST), None)
    passed = at <= now
    if verb_at is None:
        subject = " ".join(words).capitalize()
        return f"{subject} {'was' if passed else 'is'} on {when_words(at)}" + (
            "." if passed else f", in {duration_words(at - now, parts=1)}."
        )
    subject = " ".join(words[:verb_at]).capitalize() or "It"
    verb = words[verb_at]
    rest = " ".join(words[verb_at + 1 :])
    said = f"{subject} {_PAST[verb] if passed else verb}{' ' + rest if rest else ''}"
    if passed:
        return f"{said} on {when_words(at)}."
    return f"{said} on {when_words(at)}, in {duration_words(at - now, parts=1)}."


_CODE = re.compile(r"\b[A-Z][A-Z0-9_]+\b")


def milestone_codes_in(message: str) -> set[str]:
    """The milestone codes an engine message names (what `refusal_words` would replace)."""
    return set(_CODE.findall(message))


def refusal_words(message: str, names: dict[str, str]) -> str:
    """An engine message as a sentence, milestone codes replaced by their names:
    "mandatory milestones must come first: ASSESSMENT" -> "... first: Assessment."."""
    text = _CODE.sub(lambda match: names.get(match.group(0), match.group(0)), message).strip()
    if text and not text.endswith((".", "!", "?")):
        text += "."
    return text[:1].upper() + text[1:]
