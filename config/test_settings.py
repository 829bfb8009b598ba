"""The test suite's settings: production's, but spoken over plain HTTP to the test client and the live server.

`tests/test_deploy.py` checks the real settings (config.settings) with `check --deploy`.
"""

from .settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; hashing is Django's
