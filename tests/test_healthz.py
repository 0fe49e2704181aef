"""/healthz answers for the database and the broker, so a load balancer can act on it."""

import os
import socket
from contextlib import contextmanager

import pytest

from ats_milestones.celery import app as celery_app

pytestmark = pytest.mark.django_db


@contextmanager
def _broker(url: str, transport_options: dict | None = None):
    """Point the Celery app at another broker for one block, then put the old one back."""
    saved = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = transport_options or {}
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set: no Redis here")
def test_healthz_with_database_and_redis_up_answers_ok(client):
    with _broker(os.environ["REDIS_URL"]):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_with_the_embedded_filesystem_broker_answers_ok(client, tmp_path):
    folders = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
        "control_folder": str(tmp_path),
    }
    with _broker("filesystem://", folders):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_with_broker_down_answers_503_naming_the_broker(client):
    with _broker(f"redis://127.0.0.1:{_closed_port()}/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["broker"] != "ok"
