"""Static files with DEBUG off: `collectstatic` gathers them under hashed names and WhiteNoise serves them."""

from django.conf import settings as django_settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_settings_use_whitenoise_right_after_the_security_middleware():
    middleware = django_settings.MIDDLEWARE
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )


def test_collected_static_files_are_served_by_whitenoise_with_debug_off(settings, tmp_path, db):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    settings.WHITENOISE_AUTOREFRESH = False  # as in production: scan STATIC_ROOT once, when the server starts
    call_command("collectstatic", "--no-input", verbosity=0)

    url = static("css/juece.css")
    assert url.startswith("/static/css/juece.") and url.endswith(".css") and url != "/static/css/juece.css"
    client = Client()  # a new handler, so WhiteNoise starts with these settings
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"]  # hashed names are cached for ever
    collected = settings.STATIC_ROOT / url.removeprefix("/static/")
    assert b"".join(response.streaming_content) == collected.read_bytes()

    page = client.get(reverse("portal:home"))
    assert page.status_code == 200
    assert f'href="{url}"' in page.content.decode()
    assert client.get("/static/css/not-there.css").status_code == 404
