"""The lab's browser over https: it trusts the lab's CA, keeps Secure cookies off http, obeys
the lab's HSTS header, and says clearly why an https page failed."""

from __future__ import annotations

import pytest
import requests
from helpers import LOGIN, SECURED

from desktop.browser.browser_client import BrowserClient
from desktop.browser.client_job import describe_error
from desktop.browser.hsts import HstsList, max_age_of, upgraded
from desktop.lab.https_settings import set_cookie_name, set_hsts, set_secure_cookie


@pytest.fixture
def browser(https_lab):
    """A lab browser that knows the lab's https address and trusts its CA."""
    client = BrowserClient(https_lab.url)
    client.set_https(https_lab.https_url, https_lab.ca_file)
    yield client
    client.close()


def test_login_over_https_stays_on_https_and_the_jar_is_shared_with_http(browser, https_lab):
    browser.open(https_lab.https_url + LOGIN)
    page = browser.login("alice", "pw")
    assert page.url == https_lab.https_url + SECURED
    assert all(e.url.startswith("https://") for e in page.exchanges)
    assert "Welcome USER: alice" in page.html
    # The cookie is not Secure: the http address gets it too, readable by the whole network.
    over_http = browser.open(https_lab.url + SECURED)
    assert "Welcome USER: alice" in over_http.html
    assert "sessionid" in over_http.exchanges[0].cookies_sent


def test_a_secure_cookie_goes_over_https_and_is_held_back_over_http(browser, https_lab):
    set_secure_cookie(https_lab, True)
    browser.open(https_lab.https_url + LOGIN)
    browser.login("alice", "pw")
    assert [row.secure for row in browser.jar() if row.name == "sessionid"] == [True]
    held = browser.open(https_lab.url + SECURED).exchanges[0]
    assert "sessionid" not in held.cookies_sent
    (withheld,) = held.cookies_withheld
    assert withheld.name == "sessionid" and withheld.reason.startswith("Secure: only sent over")
    sent = browser.open(https_lab.https_url + SECURED).exchanges[0]
    assert "sessionid" in sent.cookies_sent and not sent.cookies_withheld


def test_a_secure_cookie_set_over_http_is_refused_with_its_reason(browser, https_lab):
    set_secure_cookie(https_lab, True)
    form = browser.open(https_lab.url + LOGIN).exchanges[0]
    (refused,) = form.cookies_rejected
    assert refused.reason.startswith("Secure, but set over plain HTTP")
    assert browser.jar() == ()


@pytest.mark.parametrize(
    ("name", "secure", "scheme", "refusal"),
    [
        ("__Host-sessionid", True, "https", None),
        ("__Secure-sessionid", True, "https", None),
        ("__Host-sessionid", False, "https", "__Host- prefix: the cookie must be Secure"),
        ("__Secure-sessionid", False, "https", "__Secure- prefix: the cookie must be Secure"),
        ("__Host-sessionid", True, "http", "Secure, but set over plain HTTP"),
    ],
)
def test_prefixed_cookie_names_are_kept_only_with_the_right_attributes(
    browser, https_lab, name, secure, scheme, refusal
):
    set_cookie_name(https_lab, name)
    set_secure_cookie(https_lab, secure)
    base = https_lab.https_url if scheme == "https" else https_lab.url
    form = browser.open(base + LOGIN).exchanges[0]
    if refusal is None:
        assert not form.cookies_rejected and [r.name for r in browser.jar()] == [name]
    else:
        assert form.cookies_rejected[0].reason.startswith(refusal)
        assert browser.jar() == ()


def test_hsts_from_https_upgrades_later_http_visits_inside_the_browser(browser, https_lab):
    set_hsts(https_lab, True)
    browser.open(https_lab.url + LOGIN)  # heard over http: ignored, as browsers do
    assert browser.hsts.hosts == {}
    browser.open(https_lab.https_url + LOGIN)
    assert set(browser.hsts.hosts) == {"127.0.0.1"}
    page = browser.open(https_lab.url + SECURED)
    internal, real = page.exchanges
    assert (internal.status, internal.reason) == (307, "Internal Redirect")
    assert internal.url == https_lab.url + SECURED and internal.request_headers == ()
    assert dict(internal.response_headers)["Non-Authoritative-Reason"] == "HSTS"
    assert real.url == https_lab.https_url + SECURED == page.url
    browser.clear_cookies()
    assert browser.hsts.hosts == {}


def test_hsts_max_age_zero_forgets_and_expiry_ends_it():
    hsts = HstsList()
    hsts.note("https://127.0.0.1:2/", "max-age=60; includeSubDomains", now=0)
    assert hsts.covers("http://127.0.0.1:1/x", now=59)
    assert not hsts.covers("https://127.0.0.1:1/x", now=59)
    assert not hsts.covers("http://127.0.0.1:1/x", now=60)
    hsts.note("https://127.0.0.1:2/", "max-age=60", now=0)
    hsts.note("https://127.0.0.1:2/", "max-age=0", now=1)
    assert hsts.hosts == {}
    assert max_age_of("includeSubDomains") is None
    assert upgraded("http://h:1/p?q", "http://h:1", "https://h:2") == "https://h:2/p?q"
    assert upgraded("http://o:3/p", "http://h:1", "https://h:2") == "https://o:3/p"


def test_a_certificate_from_another_ca_is_refused_with_a_sentence(browser, https_lab, tmp_path):
    import trustme

    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    browser.set_https(https_lab.https_url, str(other))
    with pytest.raises(requests.exceptions.SSLError) as caught:
        browser.open(https_lab.https_url + LOGIN)
    assert "not issued by the lab's CA" in describe_error(caught.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "cannot read the file of the lab's CA"), (b"not a certificate", "CA certificate")],
)
def test_a_missing_or_damaged_ca_file_is_said_in_words(browser, https_lab, content, expected):
    ca = https_lab.certificate.ca_file
    if content is None:
        ca.unlink()
    else:
        ca.write_bytes(content)
    with pytest.raises(OSError) as caught:
        browser.open(https_lab.https_url + LOGIN)
    assert expected in describe_error(caught.value)
