"""Bearer tokens of API clients (other HR systems), one tenant per token."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from tenants.models import TOKEN_PREFIX, ApiClient
from tenants.selectors import api_client_get_by_token


class ApiClientPrincipal:
    """What `request.user` is for an API client: authenticated, never staff."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    is_anonymous = False
    pk = None
    id = None

    def __init__(self, client: ApiClient):
        self.client = client

    def __str__(self) -> str:
        return f"api-client:{self.client.name}"


class ApiClientTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0] != self.keyword:
            return None
        if len(parts) != 2 or not parts[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed("Malformed bearer token.")
        client = api_client_get_by_token(token=parts[1])
        if client is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API token.")
        return ApiClientPrincipal(client), client

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'
