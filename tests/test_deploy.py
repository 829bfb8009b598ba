"""Production settings pass Django's deployment checks; without SECRET_KEY they refuse to start at all."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check_deploy(**env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check_deploy(SECRET_KEY=secrets.token_urlsafe(50), DEBUG="false", ALLOWED_HOSTS="juece.example.gov.cn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_development_key():
    result = _check_deploy(DEBUG="false", ALLOWED_HOSTS="juece.example.gov.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def _setup_django(**env):
    """Import config.settings and set Django up in a fresh interpreter whose environment holds only `env`."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    environment.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.STORAGES['staticfiles']['BACKEND'])",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_refuse_to_start_with_debug_off_and_no_secret_key():
    result = _setup_django()
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "The SECRET_KEY environment variable is not set" in result.stderr


def test_settings_start_with_a_secret_key_and_serve_hashed_static_files():
    result = _setup_django(SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_development_starts_without_a_secret_key_when_debug_is_on():
    result = _setup_django(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.staticfiles.storage.StaticFilesStorage"
