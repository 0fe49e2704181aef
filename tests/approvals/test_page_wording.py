"""Words the approvals pages show: money with its currency, when a step is due."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from approvals.web.wording import due_words, money_words

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("amount", "currency", "said"),
    [
        (Decimal("120000"), "USD", "$120,000"),
        (Decimal("95500.50"), "EUR", "€95,500.50"),
        (Decimal("120000.00"), "CHF", "120,000 CHF"),
        (None, "USD", ""),
    ],
)
def test_money_reads_with_its_currency(amount, currency, said):
    assert money_words(amount, currency) == said


@pytest.mark.parametrize(
    ("due_at", "said"),
    [
        (None, "no due date"),
        (NOW + timedelta(days=2, hours=3), "due in 2 days"),
        (NOW - timedelta(seconds=5), "due now"),
        (NOW - timedelta(hours=3, minutes=10), "due 3 hours ago"),
    ],
)
def test_when_a_step_is_due_reads_as_words(due_at, said):
    assert due_words(due_at, NOW) == said
