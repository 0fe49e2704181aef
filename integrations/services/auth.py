"""A connection's auth as request headers: bearer, basic, or an OAuth 2 client-credentials
token (fetched through the same guarded client, cached per process until it expires)."""

from __future__ import annotations

import base64
import json
import time

from integrations import crypto
from integrations.models import AuthKind, Connection
from integrations.services.http import EndpointRefused, HttpClient

_oauth_tokens: dict = {}


def auth_headers(connection: Connection, client: HttpClient) -> dict:
    """The connection's auth as request headers (never logged, never stored)."""
    if connection.auth_kind == AuthKind.BEARER:
        return {"Authorization": f"Bearer {crypto.decrypt(connection.auth_secret_encrypted)}"}
    if connection.auth_kind == AuthKind.BASIC:
        pair = f"{connection.auth_username}:{crypto.decrypt(connection.auth_secret_encrypted)}"
        return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    if connection.auth_kind == AuthKind.OAUTH2:
        return {"Authorization": f"Bearer {_oauth_token(connection, client)}"}
    return {}


def _oauth_token(connection: Connection, client: HttpClient) -> str:
    key = (connection.pk, connection.updated_at)
    cached = _oauth_tokens.get(key)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    pair = f"{connection.auth_username}:{crypto.decrypt(connection.auth_secret_encrypted)}"
    body = "grant_type=client_credentials" + (
        f"&scope={connection.oauth_scope}" if connection.oauth_scope else ""
    )
    result = client.post(
        connection.oauth_token_url,
        body=body.encode(),
        timeout_s=connection.timeout_s,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
        },
    )
    try:
        document = json.loads(result.excerpt) if result.status == 200 else {}
        token = document["access_token"]
    except (ValueError, KeyError, TypeError):
        raise EndpointRefused(
            f"The OAuth token endpoint answered {result.status or result.error}"
        ) from None
    _oauth_tokens[key] = (
        token,
        time.monotonic() + max(0, float(document.get("expires_in", 300)) - 30),
    )
    return token
