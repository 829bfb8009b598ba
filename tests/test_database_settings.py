"""How the application's database connections are set up (config/settings.py)."""

import pytest
from django.db import connection


@pytest.mark.postgres_only
def test_the_applications_connections_run_no_parallel_query(db):
    """Starting parallel workers cost a short query more than it saved (docs/benchmarks.md, the portal)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
