"""Consistent and honest display: one time zone, every ledger event labelled, codes only on request, upload forms
only where an upload is allowed, and error pages in the site's style and the user's language."""

import re
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import permission_denied, server_error

from accountability.models import LedgerEvent
from decisions import services
from decisions.procedure import EVENT_LABELS, StepKind, event_label
from decisions.selectors import current_steps
from tests.factories import make_decision

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- one time zone


def test_ledger_times_are_shown_in_beijing_time(client, world):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    instant = datetime(2026, 3, 1, 23, 30, 5, tzinfo=UTC)  # 2026-03-02 07:30:05 in Beijing
    with mock.patch("django.utils.timezone.now", return_value=instant):
        decision = make_decision(world)
    assert LedgerEvent.objects.get(action="decision.created", decision_id=decision.pk).occurred_at == instant
    client.force_login(world.supervisor)
    page = client.get(reverse("manage:decision", args=[decision.pk])).content.decode()
    assert "2026-03-02 07:30:05" in page
    assert "2026-03-01 23:30" not in page


# ---------------------------------------------------------------- every event labelled


def recorded_event_codes() -> set[str]:
    """Every literal ledger action the project's code records."""
    codes = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "record_event" not in text:
            continue
        codes.update(re.findall(r'action\s*=\s*"([a-z_]+\.[a-z_]+)"', text))
        codes.update(re.findall(r'"([a-z_]+\.[a-z_]+)" if ', text))
        codes.update(re.findall(r' else "([a-z_]+\.[a-z_]+)"', text))
    return codes


def test_every_recorded_event_has_a_label():
    codes = recorded_event_codes()
    assert {"accounts.otp_failed", "workdays.holiday_saved", "execution.reported"} <= codes
    unlabelled = sorted(code for code in codes if str(event_label(code)) == code)
    assert unlabelled == []
    assert all(str(label) for label in EVENT_LABELS.values())


def test_action_codes_only_for_ledger_readers_who_ask(client, world, decision):
    url = reverse("manage:decision", args=[decision.pk])
    client.force_login(world.supervisor)
    assert 'id="show-codes"' in client.get(url).content.decode()
    assert "decision.created" not in client.get(url).content.decode()
    assert "decision.created" in client.get(url + "?codes=1").content.decode()
    client.force_login(world.drafter)
    page = client.get(url + "?codes=1").content.decode()
    assert "decision.created" not in page and 'id="show-codes"' not in page


# ---------------------------------------------------------------- upload forms only where uploads are allowed


def test_upload_form_only_where_an_upload_is_allowed(client, world, decision):
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    step_url, decision_url = reverse("manage:step", args=[step.pk]), reverse("manage:decision", args=[decision.pk])
    upload_form = 'enctype="multipart/form-data"'
    client.force_login(world.supervisor)  # reads everything, changes nothing
    assert upload_form not in client.get(decision_url).content.decode()
    assert upload_form not in client.get(step_url).content.decode()
    client.force_login(world.drafter)
    assert upload_form in client.get(decision_url).content.decode()
    # The step is not open yet: its documents cannot change, so no form.
    assert services.step_action_refusals(step, world.drafter)["upload"] is not None
    assert upload_form not in client.get(step_url).content.decode()
    step.status = "open"
    step.save(update_fields=["status"])
    assert upload_form in client.get(step_url).content.decode()


# ---------------------------------------------------------------- error pages


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False


def test_404_in_the_site_style_and_chinese(production, client, world):
    client.force_login(world.drafter)
    response = client.get("/manage/decisions/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and 'lang="zh-hans"' in page and 'class="topbar"' in page
    assert reverse("manage:home") in page


def test_404_in_english_when_chosen(production, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_csrf_failure_is_the_sites_403_in_chinese(production, world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "drafter", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "禁止访问" in page and 'id="error-403"' in page and 'class="topbar"' in page


def test_403_page_in_chinese(production, db):
    request = RequestFactory().get("/manage/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "禁止访问" in response.content.decode()


def test_500_needs_no_request_context(production):
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器错误（500）" in page and 'id="error-500"' in page
