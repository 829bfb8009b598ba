"""Schemathesis against the API's own OpenAPI schema (/api/schema/): for every operation, generated requests — valid
and invalid, within a small bound — never get a server error (the `not_a_server_error` check only).

The requests go through Django's WSGI application in the test's thread and database transaction, as a logged-in
government office member would send them (the session cookie, and CSRF's cookie and header for POST). Path ids are
mostly mapped onto the decisions that exist (one in each of a few states) and transition names onto real ones, so
that requests reach the forms and services behind the endpoints rather than only their 404s.
"""

import json
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from decisions.procedure import State
from decisions.registry import transition_inputs
from demo.walkthrough import drive_to
from tests.factories import make_decision


class SameTransactionWSGI:
    """Django's WSGI application, without closing the database connection at the end of each request (the test's
    transaction stays open, as Django's own test client keeps it). Built at the first request, with the settings
    then in force."""

    handler = None

    def __call__(self, environ, start_response):
        self.handler = self.handler or WSGIHandler()
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                response.close()
            return [body]
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


def openapi_schema():
    """The schema /api/schema/ serves (drf-spectacular's generator, as its view runs it; no database needed)."""
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(json.loads(json.dumps(openapi_schema(), cls=DjangoJSONEncoder)))
schema.app = SameTransactionWSGI()


@pytest.fixture
def juece(world):
    """Decisions to aim at, and a government office member's session and CSRF token."""
    decisions = [make_decision(world, title="提出")]
    for state in (State.DRAFTING, State.IN_EXECUTION):
        decisions.append(drive_to(make_decision(world, title=str(state)), state, world.cast))
    browser = Client()
    browser.force_login(world.gov)
    browser.get(reverse("manage:transition", args=[decisions[0].pk, "catalog"]))  # sets the CSRF cookie
    return {
        "ids": [decision.pk for decision in decisions],
        "names": sorted(transition_inputs()),
        "cookies": {"sessionid": browser.cookies["sessionid"].value, "csrftoken": browser.cookies["csrftoken"].value},
    }


def aim(case, juece) -> None:
    """Most generated ids and transition names onto real ones (about one in seven is left as generated)."""
    parameters = case.path_parameters  # as generated: numbers, or already their text
    try:
        identifier = int(parameters.get("id"))
    except (TypeError, ValueError):
        identifier = None  # not a number at all: left as generated (404)
    if identifier is not None and identifier % 7 != 3:
        parameters["id"] = juece["ids"][identifier % len(juece["ids"])]
    name = parameters.get("name")
    if isinstance(name, str) and zlib.crc32(name.encode("utf-8", "replace")) % 7 != 3:
        parameters["name"] = juece["names"][zlib.crc32(name.encode("utf-8", "replace")) % len(juece["names"])]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_operation_answers_a_server_error(case, juece):
    aim(case, juece)
    response = case.call(headers={"X-CSRFToken": juece["cookies"]["csrftoken"]}, cookies=juece["cookies"])
    case.validate_response(response, checks=[not_a_server_error])
