"""Who did something: a person (user id), another HR system calling the API (API client id)
and the person it acts for (`On-Behalf-Of`), or a peer system whose signed webhook we
received (integration connection id)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None = None
    api_client_id: uuid.UUID | None = None
    role: str | None = None  # the person's role in the tenant, when a move needs it
    ip_address: str | None = None
    on_behalf_of_user_id: int | None = None  # an API client acting for this person
    connection_id: uuid.UUID | None = None  # an inbound webhook, authenticated by its signature

    @property
    def label(self) -> str:
        if self.api_client_id is not None:
            return f"client:{self.api_client_id}"
        if self.connection_id is not None:
            return f"connection:{self.connection_id}"
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return "system"

    def as_data(self) -> dict:
        """Who acted, for an outbound event's data (ids and role, no names)."""
        if self.api_client_id is not None:
            return {"type": "api_client", "id": str(self.api_client_id)}
        if self.connection_id is not None:
            return {"type": "connection", "id": str(self.connection_id)}
        if self.user_id is not None:
            return {"type": "user", "id": str(self.user_id), "role": self.role or ""}
        return {"type": "system"}


SYSTEM = Actor()
