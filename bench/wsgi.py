"""The application as the benches serve it: the product's WSGI app under production settings,
with two differences, both only here (no product module knows about them):

- the URLconf is bench.urls: the product's routes plus the framework-ceiling endpoint
  (bench.ceiling);
- the API's per-caller rate limits are off (their rates None: the throttle lets every call
  through before it touches the cache). A bench measures the endpoints, not the limiter in
  front of them: with a huge rate instead, every call of every side (ping, ceiling, the
  endpoint measured) loaded and saved its caller's whole request history in Redis.

    gunicorn -c python:ats_milestones.gunicorn_conf bench.wsgi:application
"""

from django.conf import settings

from ats_milestones.wsgi import application

THROTTLED_SCOPES = ("api_client", "api_user", "inbound_connection")

settings.ROOT_URLCONF = "bench.urls"  # read per request by Django's handler
# DRF's api_settings (and SimpleRateThrottle.THROTTLE_RATES) hold this very dict: changed in
# place, every throttle reads None, whenever it was imported.
for _scope in THROTTLED_SCOPES:
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][_scope] = None

__all__ = ["application"]
