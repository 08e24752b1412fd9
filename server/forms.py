"""The login form, mirroring the tutorial's ``LoginForm``, with Flask-WTF's CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation

USERID_MAX = 150  # Django's default for user names
PASSWD_MAX = 32  # the tutorial's max_length


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def text_only(form, field) -> None:
    """Stop validation with a form error when the value is not text (a file upload, say)."""
    if field.data is not None and not isinstance(field.data, str):
        raise StopValidation("Send text here, not a file.")


class LoginForm(FlaskForm):
    """User name and password; any non-empty pair is accepted, as in the tutorial."""

    userid = StringField(
        "User name:",
        filters=[_strip],
        validators=[text_only, DataRequired("Enter a user name."), Length(max=USERID_MAX)],
    )
    # PasswordField renders type="password" (the tutorial's template rendered it as text).
    passwd = PasswordField(
        "Password:",
        validators=[text_only, InputRequired("Enter a password."), Length(max=PASSWD_MAX)],
    )
    submit = SubmitField("Submit")
