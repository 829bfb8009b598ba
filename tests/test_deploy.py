"""Production settings pass Django's deployment checks; without SECRET_KEY the web and Celery processes refuse to
start, `check --deploy` reports it, and tooling that signs nothing still runs."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _check_deploy(**env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "LEDGER_SEAL_KEY"}
        # The test run's database is reached as a superuser, which check --deploy rightly warns about
        # (accountability.W002): these checks run on the default SQLite; tests/accountability/test_database_role.py
        # runs them on PostgreSQL as the documented application role.
        and k != "DATABASE_URL"
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
    result = _check_deploy(
        SECRET_KEY=secrets.token_urlsafe(50),
        LEDGER_SEAL_KEY=secrets.token_urlsafe(48),
        DEBUG="false",
        ALLOWED_HOSTS="juece.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_requires_a_ledger_seal_key():
    production = {"SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "false", "ALLOWED_HOSTS": "juece.example.gov.cn"}
    missing = _check_deploy(**production)
    assert missing.returncode != 0
    assert "accountability.E001" in missing.stdout + missing.stderr
    assert "LEDGER_SEAL_KEY" in missing.stdout + missing.stderr
    short = _check_deploy(**production, LEDGER_SEAL_KEY="short")
    assert short.returncode != 0
    assert "accountability.W001" in short.stdout + short.stderr
    development = _check_deploy(**(production | {"DEBUG": "1"}))  # DEBUG on: a development seal key
    assert "accountability.E001" not in development.stdout + development.stderr


def test_check_deploy_refuses_the_development_key():
    result = _check_deploy(DEBUG="false", ALLOWED_HOSTS="juece.example.gov.cn")
    assert result.returncode != 0
    assert "juece.E001" in result.stdout + result.stderr
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


def _run_clean(*command, **env):
    """A command in a fresh interpreter whose environment holds only PATH, HOME and `env`."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp"} | env  # noqa: S108
    return subprocess.run(  # noqa: S603 - our own interpreter and commands
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("entry_point", ["config.wsgi", "config.asgi"])
def test_the_web_server_refuses_to_start_without_a_secret_key(entry_point):
    result = _run_clean(sys.executable, "-c", f"import {entry_point}", DJANGO_SETTINGS_MODULE="config.settings")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "The SECRET_KEY environment variable is not set" in result.stderr


@pytest.mark.parametrize("program", ["worker --pool=solo", "beat"])
def test_celery_refuses_to_start_without_a_secret_key(program, tmp_path):
    celery = str(Path(sys.executable).with_name("celery"))
    extra = ["-s", str(tmp_path / "schedule")] if program == "beat" else []
    # A fresh machine: an empty var/ (the filesystem broker's folders are made when Celery configures itself).
    command = (celery, "-A", "config", *program.split(), *extra, "-l", "warning")
    result = _run_clean(*command, JUECE_VAR_DIR=str(tmp_path / "var"))
    assert result.returncode == 1
    assert "The SECRET_KEY environment variable is not set" in result.stderr


def test_tooling_that_signs_nothing_runs_without_a_secret_key():
    result = _run_clean(sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_settings_start_with_a_secret_key_and_serve_hashed_static_files():
    result = _setup_django(SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_development_starts_without_a_secret_key_when_debug_is_on():
    result = _setup_django(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.mark.parametrize(("hops", "trusted"), [("0", False), ("1", True)])
def test_the_proxy_https_header_is_trusted_only_behind_our_own_proxy(hops, trusted):
    code = (
        "import django; from django.conf import settings; django.setup(); print(bool(settings.SECURE_PROXY_SSL_HEADER))"
    )
    result = _run_clean(
        sys.executable,
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="k" * 50,
        TRUSTED_PROXY_HOPS=hops,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(trusted)
