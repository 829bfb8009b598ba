"""Production settings pass Django's deployment checks; the development key is refused there."""

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
