"""The tutorial's three pages (login, secured page, logout) and an index that links them."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from server import remember_me
from server.forms import PASSWD_MAX, USERID_MAX, LoginForm
from server.session_interface import end_session, rotate_session

bp = Blueprint("app_sessions", __name__, url_prefix="/app_sessions")
index_bp = Blueprint("index", __name__)

SESSION_KEY = "userid"


@index_bp.get("/")
def index():
    """Link the three pages."""
    return render_template("index.html")


@bp.route("/login/", methods=["GET", "POST"])
def login():
    """Show the form; on a valid POST store ``userid`` in a fresh session and redirect."""
    if request.method == "GET":
        return _login_page()
    # CSRFProtect has checked the token before this view ran; the form need not again.
    form = LoginForm(meta={"csrf": False})
    if form.validate():
        # Off only in the lab's "vulnerable server" demonstration of session fixation.
        if current_app.config["SESSION_ROTATE_ON_LOGIN"]:
            rotate_session(session)
        session[SESSION_KEY] = form.userid.data
        remember_me.on_login(form.userid.data)
        return redirect(url_for(".secured_page"))
    # The tutorial's view returned nothing here and crashed; show the errors instead.
    userid = form.userid.data if isinstance(form.userid.data, str) else ""
    return _login_page(userid, form.errors), 400


def _login_page(userid: str = "", errors: dict | None = None) -> str:
    # The password is never sent back; the user name is, so a typo is easy to fix.
    return render_template(
        "login.html",
        userid=userid,
        errors=errors or {},
        csrf_enabled=current_app.config.get("WTF_CSRF_ENABLED", True),
        userid_max=USERID_MAX,
        passwd_max=PASSWD_MAX,
        remember_offered=remember_me.offered(),
    )


@bp.get("/secured_page/")
def secured_page():
    """Welcome the logged-in user, or say that nobody is logged in."""
    response = make_response(
        render_template(
            "secured_page.html",
            l_user=session.get(SESSION_KEY),
            post_logout=current_app.config["LOGOUT_REQUIRES_POST"],
        )
    )
    # A page that depends on who is logged in must not be served from a cache after logout.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/logout/", methods=["GET", "POST"])
def logout():
    """Destroy the session; say who was logged out, or that nobody was.

    The tutorial logs out on a GET, so any page on any site can log a visitor out (logout
    CSRF). With ``LOGOUT_REQUIRES_POST`` a GET only shows a form; its POST carries the CSRF
    token, which CSRFProtect checks before this view runs.
    """
    if request.method == "GET" and current_app.config["LOGOUT_REQUIRES_POST"]:
        response = make_response(render_template("logout_confirm.html"))
        response.headers["Cache-Control"] = "no-store"
        return response
    l_user = session.get(SESSION_KEY)
    end_session(session)
    remember_me.on_logout()
    response = make_response(render_template("logout.html", l_user=l_user))
    response.headers["Cache-Control"] = "no-store"
    return response
