"""Smoke test of a running `make serve` (or any Juece served over plain HTTP on this machine): CI runs it, and so can
you, against a database where `manage.py seed_demo` has run.

    .venv/bin/python scripts/smoke_serve.py [--url http://127.0.0.1:8000] [--timeout 90] [--alive-pid PID]

1. /healthz answers 200;
2. /readyz answers 200 — the database, Redis and the worker's heartbeat — within --timeout seconds;
3. a demo user logs in over HTTP as a browser does: GET the login page (its CSRF cookie and the form's token), POST
   the username and password, follow to /manage/, which answers 200, and one of its static files (WhiteNoise) too.

The login needs OTP_REQUIRED=0 on the server (the demo users have no second factor enrolled). Session and CSRF
cookies are Secure with DEBUG off; like a browser, this client sends them over plain HTTP to 127.0.0.1 / localhost
only. Exit 0 when every step passed, 1 at the first that did not (saying which). Standard library only.
"""

import argparse
import http.cookiejar
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class LoopbackSecureCookies(http.cookiejar.DefaultCookiePolicy):
    """Secure cookies go back over plain HTTP to this machine only, as browsers treat localhost."""

    def return_ok_secure(self, cookie, request):
        host = urllib.parse.urlsplit(request.get_full_url()).hostname
        if cookie.secure and request.type == "http" and host in LOOPBACK:
            return True
        return super().return_ok_secure(cookie, request)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx is answered as it is, to be checked


class SmokeFailure(Exception):
    pass


class Client:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar(policy=LoopbackSecureCookies())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects())

    def request(self, path: str, data: dict | None = None, timeout: float = 10) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - the URL given, http(s)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


def _check_alive(pid: int | None) -> None:
    if pid is None:
        return
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        raise SmokeFailure(f"the server process {pid} exited") from None


def wait_for(client: Client, path: str, timeout: float, alive_pid: int | None) -> str:
    """Poll `path` until it answers 200; the last answer is reported when it never does."""
    deadline, last = time.monotonic() + timeout, "no answer"
    while True:
        _check_alive(alive_pid)
        try:
            status, _headers, body = client.request(path, timeout=5)
            if status == 200:
                return body
            last = f"{status} {body[:500]}"
        except OSError as error:  # not listening yet
            last = str(error)
        if time.monotonic() > deadline:
            raise SmokeFailure(f"{path} did not answer 200 within {timeout:.0f} s; last: {last}")
        time.sleep(1)


def log_in(client: Client, username: str, password: str) -> None:
    status, _headers, page = client.request("/accounts/login/")
    if status != 200:
        raise SmokeFailure(f"GET /accounts/login/ answered {status}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None or not any(cookie.name == "csrftoken" for cookie in client.cookies):
        raise SmokeFailure("the login page gave no CSRF token and cookie")
    form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    status, headers, body = client.request("/accounts/login/", data=form)
    location = headers.get("Location", "")
    if status != 302 or not location.endswith("/manage/"):
        raise SmokeFailure(f"logging in as {username} answered {status} to {location or '-'}: {body[:300]}")


def run(args) -> None:
    client = Client(args.url)
    started = time.monotonic()

    def step(text: str) -> None:
        print(f"  {time.monotonic() - started:5.1f} s  {text}", flush=True)

    wait_for(client, "/healthz", args.timeout, args.alive_pid)
    step("/healthz 200")
    body = wait_for(client, "/readyz", args.timeout, args.alive_pid)
    checks = json.loads(body)["checks"]
    step("/readyz 200: " + "; ".join(f"{name} {check['reason']}" for name, check in checks.items()))
    log_in(client, args.username, args.password)
    step(f"logged in as {args.username} (CSRF cookie and token, POST, 302 to /manage/)")
    status, _headers, page = client.request("/manage/")
    if status != 200:
        raise SmokeFailure(f"GET /manage/ after logging in answered {status}")
    if 'action="/accounts/logout/"' not in page:
        raise SmokeFailure("/manage/ answered 200 but not as a logged-in page (no logout form)")
    step("/manage/ 200")
    static = re.search(r'(?:href|src)="(/static/[^"]+)"', page)
    if static is None:
        raise SmokeFailure("/manage/ links no static file")
    status, _headers, _body = client.request(static.group(1))
    if status != 200:
        raise SmokeFailure(f"the static file {static.group(1)} answered {status}")
    step(f"{static.group(1)} 200 (WhiteNoise)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--timeout", type=float, default=90, help="seconds to wait for /healthz, then /readyz")
    parser.add_argument("--username", default="drafter")
    parser.add_argument("--password", default="juece-demo-2026")
    parser.add_argument("--alive-pid", type=int, help="fail at once when this process (the server) has exited")
    args = parser.parse_args()
    print(f"Smoke test of {args.url}")
    try:
        run(args)
    except SmokeFailure as failure:
        print(f"SMOKE TEST FAILED: {failure}", file=sys.stderr)
        return 1
    print("Smoke test passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
