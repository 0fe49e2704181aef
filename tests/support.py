"""What tests that start other processes (a Celery worker, `make run`) share."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings


def database_url(name: str) -> str:
    """The suite's DATABASE_URL pointed at database `name`, for a process the test starts.

    Passed through rather than rebuilt from the connection settings: the embedded Postgres
    is a socket directory in the host part (URL-encoded) and a rebuilt URL loses it.
    """
    return urlunsplit(urlsplit(settings.DATABASE_URL)._replace(path="/" + quote(name, safe="")))
