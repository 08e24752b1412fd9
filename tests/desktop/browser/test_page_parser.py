"""Reading a page as the lab's browser does: CSRF token, field errors, page errors and title."""

from __future__ import annotations

import pytest
from helpers import LOGIN, SECURED, csrf_token

from desktop.browser.page_parser import PageInfo, parse_page


def test_the_real_login_form_gives_its_token_and_title(client):
    html = client.get(LOGIN).text
    info = parse_page(html)
    assert info.csrf_token == csrf_token(html)
    assert info.title == "Log in – Session Lab"
    assert info.has_login_form
    assert info.errors == {}


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        ({"userid": "", "passwd": "pw"}, {"userid": ["Enter a user name."]}),
        ({"userid": "   ", "passwd": "pw"}, {"userid": ["Enter a user name."]}),
        ({"userid": "alice", "passwd": ""}, {"passwd": ["Enter a password."]}),
        (
            {"userid": "alice", "passwd": "x" * 33},
            {"passwd": ["Field cannot be longer than 32 characters."]},
        ),
        (
            {"userid": "", "passwd": ""},
            {"userid": ["Enter a user name."], "passwd": ["Enter a password."]},
        ),
    ],
)
def test_field_errors_of_the_real_form(client, form, errors):
    token = csrf_token(client.get(LOGIN).text)
    response = client.post(LOGIN, data={"csrf_token": token, **form})
    assert response.status_code == 400
    info = parse_page(response.text)
    assert info.errors == errors
    assert info.csrf_token  # the form comes back, ready to be sent again


def test_a_refused_csrf_check_is_a_page_error(client):
    response = client.post(LOGIN, data={"userid": "alice", "passwd": "pw"})
    info = parse_page(response.text)
    assert response.status_code == 400
    assert list(info.errors) == ["page"]
    (message,) = info.errors["page"]
    assert message.startswith("The form's CSRF token was missing or wrong")
    assert info.title.startswith("400 Bad Request")
    assert not info.has_login_form and info.csrf_token is None


def test_the_secured_page_has_no_form(client):
    info = parse_page(client.get(SECURED).text)
    assert info == PageInfo(title="Secured page – Session Lab", links=["/app_sessions/login/"])


def test_entities_are_decoded_and_messages_joined():
    html = (
        "<title>Tom &amp; Jerry</title>"
        '<ul id="userid-errors"><li>Too <b>long</b> &lt;150&gt;</li><li>Second</li></ul>'
        "<p class='errors note'>Gone</p><p>not an error</p>"
    )
    info = parse_page(html)
    assert info.title == "Tom & Jerry"
    assert info.errors == {"userid": ["Too long <150>", "Second"], "page": ["Gone"]}


@pytest.mark.parametrize(
    "html",
    [
        "",
        "just text, no tags",
        "<title>never closed",
        "</ul></li></p></title>",
        "<li>an item outside any list</li>",
        '<ul id="-errors"><li>',
        '<ul id="x-errors"><li>one<ul id="y-errors"><li>two</ul></li>',
        '<input name="csrf_token"><input name="csrf_token" value>',
        "<p class=errors>unterminated <p class>",
        "<<<>>>&&&;;<!-- <title> --><![CDATA[<title>x</title>]]>",
        "<script>if (a < b) { '</title>' }</script>",
        "\x00\ufffd<ti\ttle>\udcff</ti",
        "<" * 1000 + "li" * 1000,
    ],
)
def test_garbage_never_raises(html):
    info = parse_page(html)
    assert isinstance(info, PageInfo)
    assert all(isinstance(messages, list) for messages in info.errors.values())


def test_what_can_be_read_from_malformed_html_is_read():
    info = parse_page('<title>Half<form><input name="csrf_token" value="tok"')
    assert info.title.startswith("Half")
    assert info.has_login_form
