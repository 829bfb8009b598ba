"""The production stack, read: docker-compose.yml, the Dockerfile, .env.example and `make serve`.

Docker cannot run in the test environment, so these tests read the files as Docker would and check what matters:
the services and their order (migrations once, before anything else starts), exactly one beat, a Redis that never
evicts queued tasks, the broker in a Redis database of its own, and that every variable handed to a Django process is
one config/settings.py reads (a misspelt name would be silently ignored).
"""

import ast
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = {"migrate", "web", "worker", "beat"}
# What the db container reads: the postgres image's superuser password, and docker/postgres/initdb.sh's two passwords.
DB_SERVICE_VARIABLES = {"POSTGRES_PASSWORD", "JUECE_OWNER_PASSWORD", "JUECE_APP_PASSWORD"}
INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::?[-?][^}]*)?\}")


def settings_variables() -> set[str]:
    """Every environment variable config/settings.py reads (os.environ.get / [] / getenv, env_bool, env_list)."""
    tree = ast.parse((ROOT / "config" / "settings.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            if ast.unparse(node.func) in {"os.environ.get", "os.getenv", "env_bool", "env_list"}:
                names.add(node.args[0].value)
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            if isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
    return names


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_the_settings_reader_finds_what_the_settings_read():
    found = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "LEDGER_SEAL_KEY", "DEBUG"} <= found
    assert {"ALLOWED_HOSTS", "EMAIL_HOST", "SITE_URL", "HEARTBEAT_MAX_AGE_SECONDS"} <= found


def test_the_services_are_database_redis_migrate_web_worker_and_one_beat(services):
    assert set(services) == {"db", "redis"} | APP_SERVICES
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    assert "gunicorn" in _command(services["web"]) and "config.wsgi:application" in _command(services["web"])
    assert re.search(r"\bcelery -A config worker\b", _command(services["worker"]))
    beats = [name for name, service in services.items() if re.search(r"\bcelery\b.*\bbeat\b", _command(service))]
    assert beats == ["beat"]
    assert services["beat"].get("container_name"), "a fixed container name keeps `--scale beat=2` from starting two"
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    for name in APP_SERVICES:
        assert services[name].get("build") == "." and services[name]["image"] == services["web"]["image"]


def test_redis_never_evicts_and_keeps_its_queue_on_disk(services):
    command = services["redis"]["command"]
    assert command[0] == "redis-server"
    options = dict(zip(command[1::2], command[2::2], strict=True))
    assert options["--maxmemory-policy"] == "noeviction"
    assert options["--appendonly"] == "yes"


def test_the_broker_has_a_redis_database_of_its_own(services):
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        cache, broker = urlsplit(environment["REDIS_URL"]), urlsplit(environment["CELERY_BROKER_URL"])
        assert cache.netloc == broker.netloc == "redis:6379"
        assert cache.path != broker.path, f"{name}: the cache and the broker share a Redis database"


def test_migrations_run_once_before_web_worker_and_beat(services):
    migrate = services["migrate"]
    assert "manage.py migrate" in _command(migrate) and "ledger_app_role.sql" in _command(migrate)
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://juece_owner:")
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert "manage.py migrate" not in _command(services[name])
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://juece_app:"), name


def test_web_is_probed_on_healthz(services):
    probe = " ".join(services["web"]["healthcheck"]["test"])
    assert "scripts/healthcheck.py" in probe and "/healthz" in probe
    assert (ROOT / "scripts" / "healthcheck.py").is_file()


def test_every_variable_passed_to_a_django_process_is_one_the_settings_read(services):
    read = settings_variables()
    for name in APP_SERVICES:
        passed = set(services[name]["environment"])
        assert passed <= read, f"{name} passes variables config/settings.py never reads: {sorted(passed - read)}"
        assert {"SECRET_KEY", "LEDGER_SEAL_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "SITE_URL"} <= passed
        assert "DEBUG" not in passed or services[name]["environment"]["DEBUG"] in {"0", "false"}
    assert set(services["db"]["environment"]) <= DB_SERVICE_VARIABLES
    assert "environment" not in services["redis"]


def _env_example() -> set[str]:
    """The names .env.example documents, set (NAME=…) or shown commented out (#NAME=…)."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_env_example_documents_every_variable_and_only_real_ones():
    compose_text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    interpolated = set(INTERPOLATION.findall(compose_text))
    documented = _env_example()
    assert interpolated <= documented, f"not in .env.example: {sorted(interpolated - documented)}"
    unknown = documented - settings_variables() - interpolated
    assert not unknown, f".env.example names variables nothing reads: {sorted(unknown)}"
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_HOST", "SITE_URL"):
        assert name in documented
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_the_image_installs_the_project_and_runs_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, flags=re.MULTILINE)
    assert re.search(r"^RUN pip install \.$", dockerfile, flags=re.MULTILINE)
    assert "postgresql-client" in dockerfile  # pg_dump / pg_restore for backup and restore
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    collect = next(line for line in dockerfile.splitlines() if line.startswith("RUN") and "collectstatic" in line)
    assert "SECRET_KEY=" in collect and "ENV SECRET_KEY" not in dockerfile  # a build-time dummy, not in the image
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^\s+"gunicorn[>=<]', pyproject, flags=re.MULTILINE)
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", ".git", "var"} <= set(ignored)


def test_make_serve_runs_web_worker_and_exactly_one_beat():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^serve:.*\n\t.*scripts/serve\.sh", makefile, flags=re.MULTILINE)
    script = (ROOT / "scripts" / "serve.sh").read_text(encoding="utf-8")
    assert "gunicorn" in script and "--workers 2" in script
    assert len(re.findall(r"celery -A config beat", script)) == 1
    assert len(re.findall(r"celery -A config worker", script)) == 1
    assert "manage.py migrate" in script and "collectstatic" in script
    assert re.search(r"^trap .*(INT|TERM)", script, flags=re.MULTILINE)
