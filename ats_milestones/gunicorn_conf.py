"""Gunicorn settings shared by the container image and bench/ (production as measured).

    gunicorn -c python:ats_milestones.gunicorn_conf ats_milestones.wsgi:application

Each worker freezes what it holds after start-up (settings, URLconf, models, the app):
Python's full garbage collections then scan only what requests allocate, instead of
pausing a request now and then for tens of milliseconds over the whole heap.
"""

from __future__ import annotations

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
backlog = 2048
preload_app = True  # load once in the master: workers share its pages and fork warm


def pre_fork(server, worker) -> None:
    """Workers must not share a socket the master opened while loading the app."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        if connection.settings_dict["OPTIONS"].get("pool"):
            connection.close_pool()


def post_fork(server, worker) -> None:
    gc.freeze()
