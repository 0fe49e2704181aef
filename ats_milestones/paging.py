"""Pages of a list whose first page costs the same at any size: a count that stops at a cap.

Django's Paginator counts every matching row to number the pages, a scan that grows with
the table. Here the count walks at most `cap + 1` rows; past it the page says "1,000+".
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

#: Rows a list counts exactly; beyond it the count reads "1,000+".
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):
            # COUNT(*) over a LIMIT-ed subquery: it stops after cap + 1 rows.
            return rows.order_by()[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def is_capped(self) -> bool:
        """More rows match than were counted (the last numbered page is not the last)."""
        return self._counted > self.cap
