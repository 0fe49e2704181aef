"""Production settings pass Django's deployment checks and refuse to start without secrets."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = "ats_milestones.settings.production"


def _production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),  # 80+ random characters
        INTEGRATIONS_SECRET_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        DJANGO_ALLOWED_HOSTS="ats.example.com",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://ats.example.com",
        DATABASE_URL="postgres://ats:secret@db.example.com:5432/ats",
        REDIS_URL="redis://redis.example.com:6379/0",
    )
    env.update(overrides)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_with_production_environment_reports_no_warnings():
    result = _manage(_production_env(), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output.upper()
    assert "no issues" in output


def test_production_settings_without_secret_key_refuse_to_load():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_without_integration_secret_keys_refuse_to_load():
    env = _production_env()
    del env["INTEGRATIONS_SECRET_KEYS"]
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "INTEGRATIONS_SECRET_KEYS must be set" in result.stderr
