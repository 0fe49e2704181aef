"""What a seed run made, for the command to print; and creating only what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, tenant, role
    new_tokens: dict[str, str] = field(default_factory=dict)  # tenant slug -> plain token
    notes: list[str] = field(default_factory=list)

    def count(self, label: str, n: int) -> None:
        self.created[label] = self.created.get(label, 0) + n

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def bulk_missing(model, rows: list, key: str, result: SeedResult) -> dict:
    """Insert the rows whose natural key is not there yet; return every row by key."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    missing = [row for row in rows if getattr(row, key) not in existing]
    model.objects.bulk_create(missing)
    result.count(model._meta.verbose_name_plural, len(missing))
    existing.update({getattr(obj, key): obj for obj in missing})
    return existing
