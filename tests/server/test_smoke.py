"""A first end-to-end pass over the tutorial's flow."""

from helpers import LOGOUT, SECURED


def test_login_secured_page_logout(actions):
    response = actions.login("alice")
    assert response.status_code == 302
    assert response.headers["Location"] == SECURED
    page = actions.secured_page()
    assert "Welcome USER: alice !, You have access to this Secure Page" in page.text
    bye = actions.logout()
    assert "Successfully alice Logged out !" in bye.text
    assert "You are not logged in, Cannot access this page" in actions.secured_page().text
    assert actions.client.get(LOGOUT).status_code == 200
