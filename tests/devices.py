"""Students' devices for the sharing tests: HTTP clients on loopback addresses of their own.

Linux answers on all of 127.0.0.0/8, so ``127.0.0.2`` stands for the teacher's network address
and a client bound to ``127.0.1.N`` for the N-th student's phone: the server sees a different
peer address for each, as it would in a classroom.
"""

from __future__ import annotations

import requests
from helpers import LOGIN, SECURED, csrf_token
from requests.adapters import HTTPAdapter

SHARED = "127.0.0.2"
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self._address, 0)
        return super().init_poolmanager(*args, **kwargs)


def device(address: str | None = None, user_agent: str = FIREFOX_ANDROID) -> requests.Session:
    """Return an HTTP client that connects from ``address`` (default: the system's choice)."""
    http = requests.Session()
    http.trust_env = False  # no proxy from the environment
    http.headers["User-Agent"] = user_agent
    if address is not None:
        http.mount("http://", _FromAddress(address))
    return http


def join(http: requests.Session, base_url: str, userid: str) -> requests.Response:
    """Open the login page, log in as ``userid`` and return the secured page that follows."""
    form = http.get(base_url + LOGIN, timeout=10)
    form.raise_for_status()
    http.post(
        base_url + LOGIN,
        data={"csrf_token": csrf_token(form.text), "userid": userid, "passwd": "secret"},
        timeout=10,
    ).raise_for_status()
    return http.get(base_url + SECURED, timeout=10)
