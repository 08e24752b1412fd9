"""The login form: which input it accepts, the errors it shows, and its CSRF check."""

from __future__ import annotations

import io

import pytest
from helpers import LOGIN, csrf_token
from markupsafe import escape

from server import snapshot
from server.errors import CSRF_MESSAGE
from server.forms import LoginForm

NOT_LOGGED_IN = "You are not logged in, Cannot access this page"
VALID = {"userid": "alice", "passwd": "secret"}

#: (changes to a valid form, {field: error}); None removes the field from the POST.
INVALID = [
    pytest.param({"userid": ""}, {"userid": "Enter a user name."}, id="empty-user"),
    pytest.param({"passwd": ""}, {"passwd": "Enter a password."}, id="empty-password"),
    pytest.param(
        {"userid": "", "passwd": ""},
        {"userid": "Enter a user name.", "passwd": "Enter a password."},
        id="both-empty",
    ),
    pytest.param({"userid": None}, {"userid": "Enter a user name."}, id="missing-user"),
    pytest.param({"passwd": None}, {"passwd": "Enter a password."}, id="missing-password"),
    pytest.param({"userid": " \t "}, {"userid": "Enter a user name."}, id="whitespace-user"),
    pytest.param(
        {"passwd": "p" * 33},
        {"passwd": "Field cannot be longer than 32 characters."},
        id="password-33",
    ),
    pytest.param(
        {"userid": "u" * 151},
        {"userid": "Field cannot be longer than 150 characters."},
        id="user-151",
    ),
]

#: (changes to a valid form, the user name the server keeps).
ACCEPTED = [
    pytest.param({}, "alice", id="plain"),
    pytest.param({"userid": "u" * 150, "passwd": "p" * 32}, "u" * 150, id="at-the-limits"),
    pytest.param({"userid": "  bob  "}, "bob", id="user-stripped"),
    pytest.param({"userid": "Zoë 😀", "passwd": "ключ"}, "Zoë 😀", id="unicode"),
]


def form_data(changes: dict, **extra) -> dict:
    """Return a valid form with ``changes`` applied (None removes a field)."""
    data = {**VALID, **extra, **changes}
    return {key: value for key, value in data.items() if value is not None}


def post_login(visitor, changes: dict):
    """GET the form and POST it with ``changes``; return the POST's response."""
    token = csrf_token(visitor.client.get(LOGIN).text)
    return visitor.client.post(LOGIN, data=form_data(changes, csrf_token=token))


def assert_nobody_logged_in(visitor, app):
    """Check the visitor is not logged in and no stored session holds a user name."""
    assert NOT_LOGGED_IN in visitor.secured_page().text
    assert all("userid" not in record.data for record in snapshot(app))


@pytest.mark.parametrize(("changes", "errors"), INVALID)
def test_login_form_rejects(app, changes, errors):
    with app.test_request_context(LOGIN, method="POST", data=form_data(changes)):
        form = LoginForm(meta={"csrf": False})
        assert not form.validate()
        assert {name: messages[0] for name, messages in form.errors.items()} == errors


@pytest.mark.parametrize(("changes", "userid"), ACCEPTED)
def test_login_form_accepts(app, changes, userid):
    with app.test_request_context(LOGIN, method="POST", data=form_data(changes)):
        form = LoginForm(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.userid.data == userid


@pytest.mark.parametrize(("changes", "errors"), INVALID)
def test_invalid_login_shows_the_form_again_with_400(visitor, app, changes, errors):
    response = post_login(visitor, changes)
    assert response.status_code == 400
    assert "Type Anything for User / Password" in response.text
    for field, message in errors.items():
        assert f'id="{field}-errors"><li>{message}</li>' in response.text
    for field in {"userid", "passwd"} - errors.keys():
        assert f'id="{field}-errors"' not in response.text
    assert_nobody_logged_in(visitor, app)


@pytest.mark.parametrize(("changes", "userid"), ACCEPTED)
def test_valid_login_keeps_the_user_name(visitor, changes, userid):
    response = post_login(visitor, changes)
    assert response.status_code == 302
    assert f"Welcome USER: {userid} !," in visitor.secured_page().text


def test_form_shown_again_escapes_what_was_typed(visitor):
    response = post_login(visitor, {"userid": '"><script>x</script>', "passwd": ""})
    assert response.status_code == 400
    assert 'value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in response.text
    assert "<script>" not in response.text


@pytest.mark.parametrize("token", ["missing", "garbage", "tampered", "another-visitors"])
def test_login_without_the_right_csrf_token_is_refused(visitor, new_visitor, app, token):
    own = csrf_token(visitor.client.get(LOGIN).text)
    tokens = {
        "missing": None,
        "garbage": "not-a-token",
        "tampered": own[:-2] + ("AA" if own[-2:] != "AA" else "BB"),
        "another-visitors": csrf_token(new_visitor().client.get(LOGIN).text),
    }
    response = visitor.client.post(LOGIN, data=form_data({}, csrf_token=tokens[token]))
    assert response.status_code == 400
    assert escape(CSRF_MESSAGE) in response.text
    assert_nobody_logged_in(visitor, app)


@pytest.mark.parametrize("field", ["userid", "passwd"])
def test_a_file_sent_as_a_form_field_gets_the_form_error(client, app, field):
    # Once a 500: WTForms measured the length of the uploaded file object.
    token = csrf_token(client.get(LOGIN).text)
    data = {"csrf_token": token, "userid": "alice", "passwd": "secret"}
    data[field] = (io.BytesIO(b"not text"), "notes.txt")
    response = client.post(LOGIN, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Send text here, not a file." in response.text
    assert snapshot(app)[0].data.get("userid") is None


def test_a_form_part_without_a_name_is_a_400(client, app):
    # Once a 500: the CSRF check read a form whose only key was None.
    body = b"--XX\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--XX--\r\n"
    response = client.post(LOGIN, data=body, content_type="multipart/form-data; boundary=XX")
    assert response.status_code == 400
    assert "Every part of a form must have a name." in response.text
