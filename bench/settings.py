"""The settings gunicorn serves the portal and comments benchmarks with: production's, plus the minimal views of
bench/urls.py, plain HTTP on 127.0.0.1, and the cache the run asks for (its own key prefix on Redis, or none at all)."""

import os

os.environ.setdefault("SECRET_KEY", "juece-benchmark-only-key-not-for-any-deployment")

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

if os.environ.get("BENCH_CACHE") == "none":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif os.environ.get("BENCH_CACHE_PREFIX") and REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = os.environ["BENCH_CACHE_PREFIX"]

# The comments benchmark sends every opinion from 127.0.0.1: it raises the per-address limit of opinions for its run
# (production's default, 20 an hour, applies otherwise; the per-contact limit is left as it is).
if os.environ.get("BENCH_COMMENT_RATE_PER_ADDRESS"):
    COMMENT_RATE_PER_ADDRESS = int(os.environ["BENCH_COMMENT_RATE_PER_ADDRESS"])
