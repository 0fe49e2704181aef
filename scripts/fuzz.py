#!/usr/bin/env python3
"""`make fuzz`: Schemathesis over every operation of /api/v1/schema/ against a live server.

1. drops and recreates the database `ats_fuzz` (on the server of DATABASE_URL, or the
   embedded Postgres of scripts/dev.py) and migrates it;
2. seeds the demo tenants (`manage.py seed_demo`) and makes an API client token with every
   scope for the tenant `acme`;
3. starts gunicorn on a free loopback port;
4. runs `schemathesis run` with every check, a fixed seed and bounded examples (the
   settings and why each is what it is: schemathesis.toml), and exits with its code: any
   finding fails.

    python3 scripts/fuzz.py [extra schemathesis arguments, e.g. --include-path-regex events]

FUZZ_SEED, FUZZ_MAX_EXAMPLES and FUZZ_WORKERS override the defaults below.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dev  # noqa: E402 - scripts/dev.py: the venv bootstrap and the database

ROOT = dev.ROOT
FUZZ_DB = "ats_fuzz"
SEED = os.environ.get("FUZZ_SEED", "20261101")
MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "20")
WORKERS = os.environ.get("FUZZ_WORKERS", "2")
TENANT = "acme"

TOKEN_SNIPPET = f"""
from tenants.context import all_tenants_context
from tenants.models import ApiClient, ApiScope, Tenant
with all_tenants_context():
    tenant = Tenant.objects.get(slug={TENANT!r})
    client = ApiClient(tenant=tenant, name="make fuzz", scopes=list(ApiScope.values))
    token = client.set_new_token()
    client.save()
print(token)
"""


def say(message: str) -> None:
    print(f"[fuzz] {message}", file=sys.stderr, flush=True)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def recreate_database(url: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{FUZZ_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{FUZZ_DB}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str]) -> int:
    if not dev.in_venv():
        dev.ensure_venv()
        os.execv(str(dev.VENV_PYTHON), [str(dev.VENV_PYTHON), __file__, *argv])
    os.chdir(ROOT)
    signals = dev.StopSignals()  # as make run: SIGINT/SIGTERM stop gunicorn, never orphan it
    signals.install()
    web = None
    embedded = None
    try:
        with signals.held():
            server_url, embedded = dev.database_url()
        say(f"recreating database {FUZZ_DB}")
        recreate_database(server_url)
        env = dict(os.environ)
        env.update(
            DATABASE_URL=with_database(server_url, FUZZ_DB),
            DJANGO_SETTINGS_MODULE="ats_milestones.settings.local",
            DJANGO_DEBUG="false",  # the error pages a client sees in production
            WEB_CONCURRENCY=env.get("WEB_CONCURRENCY", "2"),
            LOG_LEVEL=env.get("LOG_LEVEL", "ERROR"),  # 4xx by the thousand; 500s still show
            # Thousands of calls a minute from one token: the rate limit (tested on its own)
            # would answer most of them 429 and leave the rest of the contract unfuzzed.
            API_THROTTLE_CLIENT_RATE=env.get("API_THROTTLE_CLIENT_RATE", "1000000/minute"),
        )
        if not env.get("REDIS_URL") and not env.get("CELERY_BROKER_URL"):
            env["CELERY_BROKER_URL"] = "memory://"  # tasks queued by writes go nowhere
        say("migrating")
        dev.manage(env, "migrate", "--noinput", "-v0")
        say("seeding the demo tenants")
        dev.manage(env, "seed_demo", capture=True)
        token = dev.manage(env, "shell", "-c", TOKEN_SNIPPET, capture=True).strip().splitlines()[-1]
        port = free_port()
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
        base = f"http://127.0.0.1:{port}"
        gunicorn = [
            str(dev.VENV / "bin" / "gunicorn"),
            "-c",
            "python:ats_milestones.gunicorn_conf",
            "--timeout",
            "60",
            "ats_milestones.wsgi:application",
        ]
        with signals.held():  # between Popen and `web` a Stop would orphan the server
            web = dev.start("gunicorn", gunicorn, env)
        if not dev.wait_for_http(base + "/healthz", {"web": web}):
            say("the web server did not come up")
            return 1
        command = [
            str(dev.VENV / "bin" / "schemathesis"),
            "--config-file",
            str(ROOT / "schemathesis.toml"),
            "run",
            f"{base}/api/v1/schema/?format=json",
            "--url",
            base,
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--seed",
            SEED,
            "--max-examples",
            MAX_EXAMPLES,
            "--workers",
            WORKERS,
            "--generation-database",
            "none",
            "--no-color",
            *argv,
        ]
        say(f"schemathesis: seed {SEED}, at most {MAX_EXAMPLES} examples per operation")
        started = time.monotonic()
        rc = subprocess.run(command, cwd=ROOT, env=env).returncode
        say(f"schemathesis exited {rc} after {time.monotonic() - started:.0f} s")
        return rc
    except dev.Stop as why:
        say(f"{why}: stopping")
        return 130
    finally:
        signals.stopping = True  # no signal may interrupt the cleanup
        if web is not None:
            dev.stop_all({"web": web})
        if embedded is not None:
            embedded.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
