"""Template filters for words a person reads: `{{ milestone.sla|duration_words }}` -> "3 days"."""

from django import template

from milestones.core.wording import duration_words as _duration_words

register = template.Library()


@register.filter
def duration_words(value):
    """A timedelta as "5 days" / "2 days 3 hours" / "1 day before" (never "5 days, 0:00:00")."""
    return _duration_words(value)
