"""Probe this host's Juece web process, as the container's health check does: exit 0 when the URL answers 200.

    python scripts/healthcheck.py [URL]      # default http://127.0.0.1:8000/healthz

Django answers only the host names of ALLOWED_HOSTS (400 otherwise), and in production 127.0.0.1 is rarely one of
them: the probe therefore names the first allowed host in its Host header ("localhost" for "*"). Standard library only.
"""

import os
import sys
import urllib.error
import urllib.request


def allowed_host() -> str:
    hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
    first = hosts[0] if hosts else "localhost"
    if first == "*":
        return "localhost"
    return first.lstrip(".")  # ".example.gov.cn" allows example.gov.cn and its subdomains


def main(url: str) -> int:
    request = urllib.request.Request(url, headers={"Host": allowed_host()})  # noqa: S310 - http(s) URL of our own
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/healthz"))
