"""The application as the benches serve it: the product's WSGI app under production settings,
with one difference: the URLconf is bench.urls (the product's routes plus the
framework-ceiling endpoint, bench.ceiling). No product module knows about it.

    gunicorn -c python:ats_milestones.gunicorn_conf bench.wsgi:application
"""

from django.conf import settings

from ats_milestones.wsgi import application

settings.ROOT_URLCONF = "bench.urls"  # read per request by Django's handler

__all__ = ["application"]
