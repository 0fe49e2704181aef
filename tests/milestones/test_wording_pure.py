"""Words for durations and dates, as a person reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from milestones.core.wording import deadline_words, duration_words

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_durations_read_in_days_hours_and_minutes():
    assert duration_words(timedelta(days=5)) == "5 days"
    assert duration_words(timedelta(days=1, hours=3, minutes=4)) == "1 day 3 hours"
    assert duration_words(timedelta(minutes=45)) == "45 minutes"
    assert duration_words(-timedelta(days=2)) == "2 days before"
    assert duration_words(None) == ""


def test_a_date_still_to_come_says_when_and_how_soon():
    words = deadline_words("offer_expires_at", NOW + timedelta(days=2), NOW)
    assert words == "Offer expires on Dec 4, 2026 at 09:00 UTC, in 2 days."


def test_a_passed_date_says_it_in_the_past_tense():
    words = deadline_words("offer_expires_at", NOW - timedelta(hours=1), NOW)
    assert words == "Offer expired on Dec 2, 2026 at 08:00 UTC."


def test_a_date_named_without_a_verb_still_reads_as_a_sentence():
    assert deadline_words("start_date", NOW + timedelta(days=20), NOW) == (
        "Start date is on Dec 22, 2026 at 09:00 UTC, in 20 days."
    )
