"""Outbound HTTP for integrations: one client, an SSRF guard, no redirects, short excerpts.

Every endpoint is resolved before a request and each address checked: private, loopback,
link-local, multicast and reserved ranges are refused unless `INTEGRATIONS_ENDPOINT_ALLOWLIST`
names the host, the address or a network holding it (tests and development list loopback).
The request then goes to the checked address itself (TLS still verifies the host name), so
a DNS answer that changes between check and connect cannot point it elsewhere. The relay
checks each connection's endpoint once per batch and sends the batch's POSTs to that
address. Redirects
are never followed: a 3xx is the endpoint's answer like any other.
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

EXCERPT_BYTES = 2048
USER_AGENT = "ATS-Milestones-Webhooks/1"


class EndpointRefused(Exception):
    """The URL may not be called (scheme, or an address the guard refuses)."""


@dataclass(frozen=True)
class HttpResult:
    status: int | None  # None: no answer (refused, timed out, reset)
    latency_ms: float
    excerpt: str = ""
    error: str = ""
    retry_after_s: float | None = None


def _allowlist() -> tuple[set[str], list]:
    hosts, networks = set(), []
    for entry in getattr(settings, "INTEGRATIONS_ENDPOINT_ALLOWLIST", ()) or ():
        entry = entry.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry)
    return hosts, networks


def endpoint_address(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) for `url`, or EndpointRefused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointRefused("The endpoint must be an http or https URL with a host.")
    if parts.username or parts.password:
        raise EndpointRefused("Put credentials in the connection's auth, not in the URL.")
    host = parts.hostname.lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    hosts, networks = _allowlist()
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise EndpointRefused(f"The host {host} does not resolve ({exc.strerror}).") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        allowed = host in hosts or any(address in net for net in networks)
        if not address.is_global and not allowed:
            raise EndpointRefused(
                f"The host {host} resolves to {address}, a private, loopback or link-local "
                "address; only addresses on the integrations allow-list may be called."
            )
    if parts.scheme == "http" and not (
        host in hosts or any(a in n for a in addresses for n in networks)
    ):
        raise EndpointRefused("Use https: plain http is only for allow-listed development hosts.")
    return parts.scheme, host, port, str(addresses[0])


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _failure(exc: Exception, timeout_s: float) -> str:
    """What went wrong, for a person (never the request, which holds the auth header)."""
    errors = urllib3.exceptions
    if isinstance(exc, errors.NewConnectionError):  # before TimeoutError: it subclasses it
        return "Could not connect to the endpoint (refused or unreachable)."
    if isinstance(exc, errors.TimeoutError):
        return f"No answer within {timeout_s:g} seconds."
    if isinstance(exc, errors.ProtocolError):
        return "The connection broke off before an answer."
    if isinstance(exc, errors.SSLError):
        return "The TLS handshake failed (certificate or protocol)."
    return f"The request failed ({type(exc).__name__})."


class HttpClient:
    """Keeps one keep-alive connection pool per endpoint address (`maxsize` connections:
    the relay's concurrent POSTs); one per relay process, safe to share between threads."""

    def __init__(self, maxsize: int = 2) -> None:
        self._pools: dict[tuple, urllib3.HTTPConnectionPool] = {}
        self._maxsize = maxsize
        self._lock = threading.Lock()

    def _pool(self, scheme: str, host: str, port: int, address: str):
        key = (scheme, host, port, address)
        pool = self._pools.get(key)
        if pool is not None:
            return pool
        with self._lock:
            return self._pools.get(key) or self._pool_new(key)

    def _pool_new(self, key: tuple):
        scheme, host, port, address = key
        if scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address,
                port,
                maxsize=self._maxsize,
                retries=False,
                server_hostname=host,
                assert_hostname=host,
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, maxsize=self._maxsize, retries=False)
        self._pools[key] = pool
        return pool

    def post(
        self,
        url: str,
        *,
        body: bytes,
        headers: dict,
        timeout_s: float,
        target: tuple[str, str, int, str] | None = None,
    ) -> HttpResult:
        """POST `body`; never raises for the peer's failures (they are results). `target`
        is `endpoint_address(url)` when the caller checked it already (the relay: once per
        connection per batch); else it is checked here."""
        scheme, host, port, address = target or endpoint_address(url)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default_port = 443 if scheme == "https" else 80
        headers = {
            "Host": host if port == default_port else f"{host}:{port}",
            "User-Agent": USER_AGENT,
            **headers,
        }
        started = time.perf_counter()
        try:
            response = self._pool(scheme, host, port, address).urlopen(
                "POST",
                path,
                body=body,
                headers=headers,
                redirect=False,
                retries=False,
                timeout=urllib3.Timeout(total=timeout_s),
                preload_content=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            latency = (time.perf_counter() - started) * 1000
            return HttpResult(None, latency, error=_failure(exc, timeout_s))
        try:
            data = response.read(EXCERPT_BYTES + 1)
        except urllib3.exceptions.HTTPError as exc:
            data = b""
            error = f"The response broke off: {type(exc).__name__}"
        else:
            error = ""
        latency = (time.perf_counter() - started) * 1000
        if len(data) > EXCERPT_BYTES or error:
            response.close()  # a long answer is not read to its end: drop the connection
        else:
            response.release_conn()
        return HttpResult(
            response.status,
            latency,
            excerpt=data[:EXCERPT_BYTES].decode("utf-8", errors="replace"),
            error=error,
            retry_after_s=_retry_after(response.headers.get("Retry-After")),
        )
