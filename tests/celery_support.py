"""The project's Celery app on a real test broker, for tests that run a real worker.

Every run has kombu's filesystem broker in a temporary folder (what `make run` uses without Redis), and, when
REDIS_URL is set, the Redis it names (db 15 there, never the application's).
"""

import os

import pytest
from kombu import pools

from config.celery import app

BROKERS = ["filesystem", "redis"] if os.environ.get("REDIS_URL") else ["filesystem"]
CONF_NAMES = ("broker_url", "result_backend", "broker_transport_options", "result_backend_transport_options")


def _forget_connections(celery_app) -> None:
    """Drop the broker pool and result backend the app built from its previous configuration."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    pools.reset()  # kombu's process-wide producer pools, keyed by broker: a closed one must not be reused
    if hasattr(celery_app._local, "backend"):
        del celery_app._local.backend


def _filesystem_conf(folder) -> dict:
    """The filesystem broker as config/settings.py sets it up without REDIS_URL, in `folder`."""
    queue, processed, control, results = (folder / name for name in ("queue", "processed", "control", "results"))
    for path in (queue, processed, control, results):
        path.mkdir(parents=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(control),
            "processed_folder": str(processed),
            "store_processed": False,
        },
        "result_backend": f"file://{results}",
        "result_backend_transport_options": {},
    }


@pytest.fixture(params=BROKERS)
def celery_app(request, tmp_path):
    """The project's Celery app on one test broker; its own configuration is restored afterwards."""
    client = None
    if request.param == "redis":
        import redis

        url = request.getfixturevalue("redis_url")  # fails, never skips, when REDIS_URL's server does not answer
        client = redis.Redis.from_url(url)
        client.flushdb()  # only the test database (15), never the whole server
        conf = {name: {} for name in CONF_NAMES} | {"broker_url": url, "result_backend": url}
    else:
        conf = _filesystem_conf(tmp_path / "celery")
    saved = {name: app.conf.get(name) for name in CONF_NAMES}
    _forget_connections(app)
    app.conf.update(conf)
    try:
        yield app
    finally:
        _forget_connections(app)
        app.conf.update(saved)
        if client is not None:
            client.flushdb()
            client.close()


class configured:
    """The project's Celery app on another broker for a block (a Redis server a test starts and stops itself)."""

    def __init__(self, conf: dict):
        self.conf = {name: {} for name in CONF_NAMES} | conf
        self.saved = {}

    def __enter__(self):
        self.saved = {name: app.conf.get(name) for name in CONF_NAMES}
        _forget_connections(app)
        app.conf.update(self.conf)
        return app

    def __exit__(self, *exc):
        _forget_connections(app)
        app.conf.update(self.saved)
