"""The `prefix` lookup of candidate search (recruiting.search explains why `^@`)."""

from __future__ import annotations

from django.db import models
from django.db.models import Lookup


class SearchKeyField(models.CharField):
    """A lower-cased word for the `prefix` lookup (see the module)."""


@SearchKeyField.register_lookup
class Prefix(Lookup):
    """`term ^@ lower(value)`: the search word lower-cased by Postgres, as the terms are,
    so both follow the database's own case rules."""

    lookup_name = "prefix"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ^@ lower({rhs})", [*lhs_params, *rhs_params]
