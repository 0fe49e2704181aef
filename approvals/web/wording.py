"""Words a person reads on the approvals pages: money with its currency, when a step is due."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from milestones.core.wording import duration_words

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def money_words(amount: Decimal | None, currency: str) -> str:
    """ "$120,000", "€95,500.50", "120,000 CHF"; "" without an amount."""
    if amount is None:
        return ""
    whole = amount == amount.to_integral_value()
    number = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


def due_words(due_at: datetime | None, now: datetime) -> str:
    """ "due in 2 days", "due now", "due 3 hours ago", "no due date"."""
    if due_at is None:
        return "no due date"
    if due_at > now:
        return f"due in {duration_words(due_at - now, parts=1)}"
    if now - due_at < timedelta(minutes=1):
        return "due now"
    return f"due {duration_words(now - due_at, parts=1)} ago"
