"""The HAR export: a real login and logout, written to a file, read back and checked as HAR 1.2."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import pytest
from helpers import LOGIN, LOGOUT, SECURED, loads_qt

from desktop.browser.browser_client import BrowserClient
from desktop.browser.exchange import parse_cookie_header
from desktop.inspectors.har_export import har_from_entries, write_har
from desktop.inspectors.narration import explain
from desktop.inspectors.timeline_entry import TrafficEntry

PROJECT = Path(__file__).resolve().parents[3]

NUMBER = "number"
DATE = "ISO 8601 date with time zone"

#: The fields HAR 1.2 requires, and their types. ``[]`` steps into every item of a list; a
#: trailing ``?`` marks a field that may be absent but must have the type when present. Pages and
#: cache are optional in the spec, but Firefox's importer reads them unconditionally.
HAR_FIELDS: tuple[tuple[str, object], ...] = (
    ("log", dict),
    ("log.version", str),
    ("log.creator", dict),
    ("log.creator.name", str),
    ("log.creator.version", str),
    ("log.pages", list),
    ("log.pages[].startedDateTime", DATE),
    ("log.pages[].id", str),
    ("log.pages[].title", str),
    ("log.pages[].pageTimings", dict),
    ("log.pages[].pageTimings.onContentLoad?", NUMBER),
    ("log.pages[].pageTimings.onLoad?", NUMBER),
    ("log.entries", list),
    ("log.entries[].pageref?", str),
    ("log.entries[].startedDateTime", DATE),
    ("log.entries[].time", NUMBER),
    ("log.entries[].comment?", str),
    ("log.entries[].request", dict),
    ("log.entries[].request.method", str),
    ("log.entries[].request.url", str),
    ("log.entries[].request.httpVersion", str),
    ("log.entries[].request.cookies", list),
    ("log.entries[].request.cookies[].name", str),
    ("log.entries[].request.cookies[].value", str),
    ("log.entries[].request.headers", list),
    ("log.entries[].request.headers[].name", str),
    ("log.entries[].request.headers[].value", str),
    ("log.entries[].request.queryString", list),
    ("log.entries[].request.queryString[].name", str),
    ("log.entries[].request.queryString[].value", str),
    ("log.entries[].request.postData?", dict),
    ("log.entries[].request.postData.mimeType", str),
    ("log.entries[].request.postData.text?", str),
    ("log.entries[].request.postData.params?", list),
    ("log.entries[].request.postData.params[].name", str),
    ("log.entries[].request.postData.params[].value?", str),
    ("log.entries[].request.headersSize", int),
    ("log.entries[].request.bodySize", int),
    ("log.entries[].response", dict),
    ("log.entries[].response.status", int),
    ("log.entries[].response.statusText", str),
    ("log.entries[].response.httpVersion", str),
    ("log.entries[].response.cookies", list),
    ("log.entries[].response.cookies[].name", str),
    ("log.entries[].response.cookies[].value", str),
    ("log.entries[].response.cookies[].path?", str),
    ("log.entries[].response.cookies[].domain?", str),
    ("log.entries[].response.cookies[].expires?", DATE),
    ("log.entries[].response.cookies[].httpOnly?", bool),
    ("log.entries[].response.cookies[].secure?", bool),
    ("log.entries[].response.headers", list),
    ("log.entries[].response.headers[].name", str),
    ("log.entries[].response.headers[].value", str),
    ("log.entries[].response.content", dict),
    ("log.entries[].response.content.size", int),
    ("log.entries[].response.content.mimeType", str),
    ("log.entries[].response.content.text?", str),
    ("log.entries[].response.redirectURL", str),
    ("log.entries[].response.headersSize", int),
    ("log.entries[].response.bodySize", int),
    ("log.entries[].cache", dict),
    ("log.entries[].timings", dict),
    ("log.entries[].timings.blocked?", NUMBER),
    ("log.entries[].timings.dns?", NUMBER),
    ("log.entries[].timings.connect?", NUMBER),
    ("log.entries[].timings.send", NUMBER),
    ("log.entries[].timings.wait", NUMBER),
    ("log.entries[].timings.receive", NUMBER),
    ("log.entries[].timings.ssl?", NUMBER),
)

_MISSING = object()


def _places(node, keys: list[str], where: str):
    """Yield (where, value) for each place the keys name; _MISSING where a dict lacks the key."""
    if not keys:
        yield where, node
        return
    key, *rest = keys
    name = key.removesuffix("[]")
    if not isinstance(node, dict):
        return  # the parent's own row reports it
    if name not in node:
        if not rest:  # a missing parent is its own row's finding
            yield f"{where}.{name}", _MISSING
        return
    if key.endswith("[]"):
        if isinstance(node[name], list):
            for index, item in enumerate(node[name]):
                yield from _places(item, rest, f"{where}.{name}[{index}]")
        return
    yield from _places(node[name], rest, f"{where}.{name}")


def _has_type(value, kind) -> bool:
    if kind == NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == DATE:
        try:
            return datetime.fromisoformat(value).tzinfo is not None
        except (TypeError, ValueError):
            return False
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def har_problems(document: dict) -> list[str]:
    """Return what in ``document`` breaks :data:`HAR_FIELDS`; empty for a valid HAR."""
    problems = []
    for path, kind in HAR_FIELDS:
        optional = path.endswith("?")
        for where, value in _places(document, path.removesuffix("?").split("."), "$"):
            if value is _MISSING:
                if not optional:
                    problems.append(f"{where} is missing")
            elif not _has_type(value, kind):
                problems.append(f"{where} is {value!r}, not {getattr(kind, '__name__', kind)}")
    return problems


@pytest.fixture
def timeline(live_server, events):
    """Traffic entries of a real login and logout, each with the store events its hop caused."""
    entries: list[TrafficEntry] = []
    seen: list = []

    def record(exchange):
        caused = tuple(events[len(seen) :])
        seen.extend(caused)
        entries.append(
            TrafficEntry(exchange, caused, explain(exchange, caused), number=len(entries) + 1)
        )

    client = BrowserClient(live_server.url)
    client.login("alice", "secret", record)
    client.logout(record)
    client.close()
    return entries


@pytest.fixture
def har(timeline, tmp_path):
    """The timeline written as a HAR file and loaded back with :mod:`json`."""
    path = write_har(tmp_path / "timeline.har", timeline, "0.1.0", hide_secrets=False)
    return json.loads(path.read_text(encoding="utf-8"))


def _entry(har: dict, method: str, path: str) -> dict:
    return next(
        e
        for e in har["log"]["entries"]
        if e["request"]["method"] == method and e["request"]["url"].endswith(path)
    )


def test_export_is_valid_har_1_2(har, timeline):
    assert har_problems(har) == []
    log = har["log"]
    assert log["version"] == "1.2"
    assert log["creator"] == {"name": "Session Lab", "version": "0.1.0"}
    assert [(p["id"], p["title"]) for p in log["pages"]] == [("page_1", "Session Lab")]
    assert log["pages"][0]["startedDateTime"] == log["entries"][0]["startedDateTime"]
    assert {e["pageref"] for e in log["entries"]} == {"page_1"}
    assert [e["comment"] for e in log["entries"]] == [entry.sentence for entry in timeline]


def test_entries_are_the_hops_in_order(har):
    hops = [
        (e["request"]["method"], e["request"]["url"], e["response"]["status"])
        for e in har["log"]["entries"]
    ]
    assert [(method, url.split("/", 3)[3], status) for method, url, status in hops] == [
        ("GET", LOGIN.lstrip("/"), 200),
        ("POST", LOGIN.lstrip("/"), 302),
        ("GET", SECURED.lstrip("/"), 200),
        ("GET", LOGOUT.lstrip("/"), 200),
    ]
    started = [datetime.fromisoformat(e["startedDateTime"]) for e in har["log"]["entries"]]
    assert started == sorted(started)
    assert all(moment.utcoffset() is not None for moment in started)


@pytest.mark.parametrize(
    ("break_it", "where"),
    [
        pytest.param(
            lambda log: log["creator"].pop("version"),
            "$.log.creator.version is missing",
            id="no-creator-version",
        ),
        pytest.param(
            lambda log: log["entries"][0]["timings"].update(wait="slow"),
            "$.log.entries[0].timings.wait is 'slow'",
            id="wait-not-a-number",
        ),
        pytest.param(
            lambda log: log["entries"][1]["request"]["postData"].pop("mimeType"),
            "$.log.entries[1].request.postData.mimeType is missing",
            id="post-data-without-mime-type",
        ),
        pytest.param(
            lambda log: log["entries"][1]["response"].update(redirectURL=None),
            "$.log.entries[1].response.redirectURL is None",
            id="redirect-url-null",
        ),
        pytest.param(
            lambda log: log["entries"][2]["response"]["cookies"].append({"name": "x"}),
            "$.log.entries[2].response.cookies[0].value is missing",
            id="cookie-without-value",
        ),
        pytest.param(
            lambda log: log["entries"][3].update(startedDateTime="2024-01-01T00:00:00"),
            "$.log.entries[3].startedDateTime is '2024-01-01T00:00:00'",
            id="date-without-zone",
        ),
        pytest.param(
            lambda log: log["entries"][3].pop("cache"),
            "$.log.entries[3].cache is missing",
            id="no-cache",
        ),
        pytest.param(
            lambda log: log["entries"][0]["response"].update(status=True),
            "$.log.entries[0].response.status is True",
            id="status-a-boolean",
        ),
    ],
)
def test_checker_catches_a_broken_document(har, break_it, where):
    break_it(har["log"])
    (problem,) = har_problems(har)
    assert problem.startswith(where)


def test_redirect_entry_has_location_and_the_new_session_cookie(har, timeline):
    entry = _entry(har, "POST", LOGIN)
    response = entry["response"]
    location = next(h["value"] for h in response["headers"] if h["name"].lower() == "location")
    assert response["redirectURL"] == location
    assert urljoin(entry["request"]["url"], location).endswith(SECURED)
    (cookie,) = response["cookies"]
    assert cookie["name"] == "sessionid"
    assert cookie["value"] == timeline[1].exchange.cookies_set[0].value
    assert (cookie["path"], cookie["httpOnly"], cookie["secure"]) == ("/", True, False)
    assert cookie["sameSite"] == "Lax"
    assert "expires" not in cookie  # a browser-session cookie


def test_logout_entry_records_the_cookie_deletion(har):
    (cookie,) = _entry(har, "GET", LOGOUT)["response"]["cookies"]
    assert cookie["name"] == "sessionid"
    assert datetime.fromisoformat(cookie["expires"]) < datetime.now(UTC)


def test_post_has_form_params(har):
    request = _entry(har, "POST", LOGIN)["request"]
    post = request["postData"]
    assert post["mimeType"] == "application/x-www-form-urlencoded"
    params = {p["name"]: p["value"] for p in post["params"]}
    assert params["userid"] == "alice"
    assert params["passwd"] == "secret"
    assert params["csrf_token"]
    assert request["bodySize"] == len(post["text"].encode()) > 0


@pytest.mark.parametrize("index", [0, 2, 3])
def test_get_requests_have_no_body(har, index):
    request = har["log"]["entries"][index]["request"]
    assert "postData" not in request
    assert request["bodySize"] == 0


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_request_cookies_match_the_cookie_header(har, index):
    request = har["log"]["entries"][index]["request"]
    header = next((h["value"] for h in request["headers"] if h["name"].lower() == "cookie"), None)
    assert {c["name"]: c["value"] for c in request["cookies"]} == parse_cookie_header(header)
    # The first visit carries no cookie; every later hop carries the session's.
    assert ("sessionid" in parse_cookie_header(header)) == (index > 0)


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_timings_add_up(har, index):
    entry = har["log"]["entries"][index]
    timings = entry["timings"]
    assert all(timings[phase] >= 0 for phase in ("send", "wait", "receive"))
    assert entry["time"] == pytest.approx(sum(t for t in timings.values() if t != -1))
    assert entry["time"] > 0


def test_store_events_travel_in_a_custom_field(har, timeline):
    lab = [e["_sessionLab"] for e in har["log"]["entries"]]
    assert [item["number"] for item in lab] == [1, 2, 3, 4]
    kinds = [[event["kind"] for event in item["storeEvents"]] for item in lab]
    assert kinds == [[e.kind for e in entry.events] for entry in timeline]
    rotated = next(e for e in lab[1]["storeEvents"] if e["kind"] == "rotated")
    assert rotated["data"]["userid"] == "alice"
    assert rotated["oldSid"] != rotated["sid"]
    assert "deleted" in kinds[3]


def test_empty_timeline_is_still_valid():
    document = har_from_entries([], creator_version="0.1.0")
    assert har_problems(document) == []
    assert document["log"]["entries"] == document["log"]["pages"] == []


def test_write_replaces_an_existing_file(timeline, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "timeline.har"
    path.write_text("an older export, longer than JSON's opening brace")
    write_har(path, timeline[:1], "0.1.0")
    assert len(json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]) == 1
    assert [p.name for p in folder.iterdir()] == ["timeline.har"]  # no staging file left


def test_importing_the_exporter_loads_no_qt():
    assert not loads_qt("desktop.inspectors.har_export")
    assert not loads_qt("desktop.inspectors.har_redaction")


def test_secrets_are_hidden_by_default(timeline, tmp_path):
    path = write_har(tmp_path / "shared.har", timeline, "0.1.0")
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    assert har_problems(document) == []
    sids = {e.sid for entry in timeline for e in entry.events} | {
        e.old_sid for entry in timeline for e in entry.events if e.old_sid
    }
    cookies = {v for entry in timeline for v in entry.exchange.cookies_sent.values()}
    assert sids and cookies
    for secret in sids | cookies:
        assert secret not in text
    post = _entry(document, "POST", LOGIN)
    params = {p["name"]: p["value"] for p in post["request"]["postData"]["params"]}
    assert params["passwd"] == "[password 1]" and params["userid"] == "alice"
    assert "secret" not in post["request"]["postData"]["text"]
    assert params["csrf_token"].startswith("[CSRF token")
    assert 'value="[CSRF token' in _entry(document, "GET", LOGIN)["response"]["content"]["text"]
    # One session keeps one label throughout, so the class can still follow it.
    rotated = post["_sessionLab"]["storeEvents"][0]
    cookie_header = next(
        h["value"] for h in post["response"]["headers"] if h["name"].lower() == "set-cookie"
    )
    assert cookie_header.startswith(f"sessionid={rotated['sid']};")
    assert rotated["sid"].startswith("[session id")
    assert rotated["sid"] in post["comment"]
