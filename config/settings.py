"""Settings for Juece, read entirely from the environment with safe defaults.

With nothing set, Juece runs on SQLite under var/ and needs no Redis (Celery uses kombu's filesystem broker).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JUECE_VAR_DIR") or BASE_DIR / "var")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# SECRET_KEY signs sessions and password-reset links: with DEBUG off it must come from the environment, and the web
# and Celery processes refuse to start without it (config/secret_key.py). Tooling that signs nothing still runs, on a
# random key of its own process. Only development (DEBUG on, as `make run` sets) uses a known, insecure key.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-juece-development-only-key-change-me" if DEBUG else secrets.token_urlsafe(50)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# A refused form (no or stale CSRF token) answers the site's 403 page, in the user's language.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # the portal's sitemap.xml
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI as local static files (no CDN)
    "accounts",
    "workdays",
    "accountability",
    "decisions",
    "catalog",
    "participation",
    "review",
    "evaluation",
    "notifications",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files with DEBUG off, from STATIC_ROOT (collectstatic)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffSessionMiddleware",  # idle and absolute session limits, no-store on staff pages
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accountability.context.ClientAddressMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notices",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://… or sqlite:////abs/path.db); SQLite in WAL mode under var/ when unset.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
    )
}
# Persistent connections on PostgreSQL (a connection costs a few milliseconds per request otherwise), checked before
# each request reuses one: DB_CONN_MAX_AGE seconds (60; 0 closes at the end of each request, as SQLite always does).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = int(
        os.environ.get("DB_CONN_MAX_AGE") or os.environ.get("DATABASE_CONN_MAX_AGE") or "60"
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No parallel query for the application's own connections: its queries are short, and on a small server starting
    # the workers costs more than they save (a capped keyword count at 100,000 decisions: 8.5 ms with two workers,
    # 1.8 ms without; docs/benchmarks.md). DB_PARALLEL_WORKERS_PER_GATHER sets another number for a bigger server.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    parallel = f"-c max_parallel_workers_per_gather={int(os.environ.get('DB_PARALLEL_WORKERS_PER_GATHER') or 0)}"
    options["options"] = f"{options['options']} {parallel}" if options.get("options") else parallel
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so ledger appends never fork.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_cache(url: str) -> dict:
    """The cache on the Redis at `url`. The cache is an optimisation and nothing more: with Redis down or unreachable
    a read is a miss (the page is built from the database) and a write or delete does nothing, logged, never raised
    (django-redis IGNORE_EXCEPTIONS); a Redis that does not answer costs a request at most a second per call."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "juece",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # an ignored cache error is logged (logger django_redis.cache)
# Nothing that must survive a Redis outage lives in the cache: sessions are in the database (a Redis outage logs
# nobody out), and django-axes counts failed logins in the database too.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while a username+address is locked out
    # Slows guessing one username from many addresses.
    "accounts.throttle.UsernameThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout: five failures for one username from one address lock it for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # each failure, for the per-username throttle (accounts/throttle.py)
LOGIN_THROTTLE_AFTER = int(os.environ.get("LOGIN_THROTTLE_AFTER", "10"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "accountability.context.client_ip"
# How many reverse proxies of ours stand in front of the application (0: clients connect directly).
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "manage:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# With DEBUG off, WhiteNoise serves the files `python manage.py collectstatic` gathered here, under hashed names
# (cached for ever, compressed); with DEBUG on, runserver serves them from the apps and static/ as they are.
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")

# Uploaded documents: what a government file may be, and how big.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
EXPERT_RECENT_LIMIT = int(os.environ.get("EXPERT_RECENT_LIMIT", "3"))  # an expert with as many in 12 months: not drawn
# A request body other than files is at most 5 MiB (Django refuses more with 400); a file above 2.5 MiB is streamed to
# a temporary file, never held in memory; a multipart request larger than a document and 1 MiB is refused (400)
# before its body is read (decisions/uploads.py). In production the web server bounds every body first (README).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "decisions.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640

# Ledger hash: "sha256" by default, "sm3" where a cryptography assessment (密评) asks for it. Recorded per event.
LEDGER_HASH_ALGORITHM = os.environ.get("LEDGER_HASH_ALGORITHM", "sha256").lower()
LEDGER_SEAL_DIR = Path(os.environ.get("LEDGER_SEAL_DIR") or VAR_DIR / "seals")
# Seals of the chain head (accountability/seals.py): every LEDGER_SEAL_INTERVAL_MINUTES by Celery beat and on demand
# (`manage.py seal_ledger`), each authenticated by an HMAC under LEDGER_SEAL_KEY, a key kept out of the database. With
# DEBUG off it must come from the environment (check --deploy: accountability.E001); with DEBUG on a development key.
# Each seal is then sent off the host, best effort: to syslog at LEDGER_SEAL_SYSLOG ("/dev/log", "host:514",
# "udp://host:514", "tcp://host:601"; off when empty) and, with LEDGER_SEAL_EMAIL on, to the audit administrators.
# LEDGER_SEALS_REQUIRED (on when DEBUG is off): `verify_ledger` fails when seals are due and missing.
LEDGER_SEAL_INTERVAL_MINUTES = max(1, int(os.environ.get("LEDGER_SEAL_INTERVAL_MINUTES", "5")))
LEDGER_SEAL_KEY = os.environ.get("LEDGER_SEAL_KEY", "")
if not LEDGER_SEAL_KEY and DEBUG:
    LEDGER_SEAL_KEY = "juece-insecure-development-only-ledger-seal-key"
LEDGER_SEAL_SYSLOG = os.environ.get("LEDGER_SEAL_SYSLOG", "")
LEDGER_SEAL_EMAIL = env_bool("LEDGER_SEAL_EMAIL", False)
LEDGER_SEALS_REQUIRED = env_bool("LEDGER_SEALS_REQUIRED", not DEBUG)

# Content Security Policy: no inline scripts or styles anywhere (templates use static files only).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The REST API (/api/v1/): the browser's session with CSRF (no tokens yet), JSON only, logged-in users only; every
# error answers {"code", "message", "missing"} (accounts/api.py). The OpenAPI schema is /api/schema/, Swagger UI
# /api/docs/ (from drf-spectacular-sidecar's static files, its init script a separate file: the CSP holds).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "accounts.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Juece API",
    "DESCRIPTION": (
        "Major administrative decision procedures (Decree 713). Session authentication with CSRF; every error "
        'answers {"code", "message", "missing"}.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are public (open-data users are anonymous): they describe the endpoints, never data.
    # One schema for everyone: every endpoint, whatever the user may call (SERVE_PUBLIC), and no session read.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SERVE_PUBLIC": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DecisionStatusEnum": "decisions.procedure.State",
        "StepStatusEnum": "decisions.procedure.StepStatus",
        # A risk's level, likelihood and impact are one choice set: high / medium / low.
        "RiskLevelEnum": "decisions.procedure.RiskLevel",
        "AdviserKindEnum": "review.models.AdviserOpinion.Kind",
        # An executive meeting's kind, and a meeting record's outcome and majority (one choice set).
        "MeetingKindEnum": "decisions.models.MeetingSession.Kind",
        "MeetingOutcomeEnum": "decisions.procedure.MeetingOutcome",
        "PublicDecisionStatusEnum": "decisions.procedure.PUBLIC_STATE_CHOICES",
    },
}

# Security: strict in production (DEBUG off), relaxed only for local development.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
# Staff give a second factor (TOTP) after the password: on by default in production, off in development.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "Juece"
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))  # seconds without a request
SESSION_ABSOLUTE_LIFETIME = int(os.environ.get("SESSION_ABSOLUTE_LIFETIME", str(8 * 3600)))  # seconds after login
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# The health probes (config/health.py) answer over plain HTTP too: an orchestrator probes the process directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if TRUSTED_PROXY_HOPS > 0:  # only our own proxy may tell us the request came over HTTPS
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Mail: printed on the console by default; SMTP when EMAIL_HOST is set. Mail that must not be lost goes through the
# outbox (notifications/outbox.py), relayed by the one-minute ticker.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "juece@localhost")
MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "juece.local")
OUTBOX_CLAIM_SECONDS = int(os.environ.get("OUTBOX_CLAIM_SECONDS", "300"))  # a relay killed mid-send frees its rows
# The public address of the site, for links in mail (the ticker has no request to build them from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The daily digest of notices goes out at this local hour (for those who chose it).
NOTICE_DIGEST_HOUR = int(os.environ.get("NOTICE_DIGEST_HOUR", "8"))
# Citizens following a decision or a catalog by e-mail: requests an hour per client address and per address.
FOLLOW_RATE_PER_ADDRESS = int(os.environ.get("FOLLOW_RATE_PER_ADDRESS", "20"))
FOLLOW_RATE_PER_EMAIL = int(os.environ.get("FOLLOW_RATE_PER_EMAIL", "5"))
FOLLOW_RATE_WINDOW_SECONDS = int(os.environ.get("FOLLOW_RATE_WINDOW_SECONDS", "3600"))
# /readyz: a ticker heartbeat older than this means no worker (or no beat) is running.
HEARTBEAT_MAX_AGE_SECONDS = int(os.environ.get("HEARTBEAT_MAX_AGE_SECONDS", "300"))

# Celery: the Redis at CELERY_BROKER_URL when set, else at REDIS_URL, otherwise kombu's filesystem broker under var/
# (no server needed). In production give the broker a Redis database of its own (e.g. REDIS_URL=redis://redis:6379/0
# for the cache, CELERY_BROKER_URL=redis://redis:6379/1): clearing the cache (FLUSHDB) then never drops queued tasks.
# Task results are kept beside the broker's messages.
CELERY_FOLDER = VAR_DIR / "celery"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL
if CELERY_BROKER_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    CELERY_RESULT_BACKEND = CELERY_BROKER_URL
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FOLDER / "queue"),
        "data_folder_out": str(CELERY_FOLDER / "queue"),
        "control_folder": str(CELERY_FOLDER / "control"),
        "processed_folder": str(CELERY_FOLDER / "processed"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_FOLDER / 'results'}"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_ALWAYS_EAGER = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

SITE_NAME = _("Juece — Major Administrative Decisions")

from config import secret_key as _secret_key_check  # noqa: E402, F401 (registers the juece.E001 deploy check)
