"""The HTTPS lesson's one-click actions: https on or off, Secure, prefixed names, HSTS, and
opening the lab's https address in the lab's browser or in your own."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from desktop.browser.lab_browser import LabBrowser
from desktop.classroom.lab_window import LabWindow
from desktop.lab import https_settings
from server.paths import LOGIN_PATH

#: What a student's own browser shows on the lab's https address, and what it means: the
#: warning, why it is right, why it is safe here, why never elsewhere, the lab's own browser.
CERTIFICATE_WARNING_PARTS = (
    "Your browser will warn “Your connection is not private” (Chrome: "
    "NET::ERR_CERT_AUTHORITY_INVALID; Firefox: “Warning: Potential Security Risk Ahead”).",
    "It is right to: the lab's certificate was issued by a certificate authority the lab made "
    "on this computer a moment ago, which your browser has never heard of, so nothing proves "
    "to it that this server is who it says it is.",
    "Here you know it is: the server is this computer, so you may choose “Advanced → Proceed "
    "to 127.0.0.1” for the lesson.",
    "On a real site never click through this warning: it is exactly what a stranger in the "
    "middle of your connection (a café's Wi-Fi, say) would cause, and proceeding hands them "
    "your password and your session cookie.",
    "The lab's own browser trusts the lab's CA, so it shows no warning; no real browser should "
    "be told to trust it.",
)
CERTIFICATE_WARNING = " ".join(CERTIFICATE_WARNING_PARTS)


class HttpsActions:
    """Acts on a window's lab and browsers for the HTTPS lesson."""

    def __init__(self, window: LabWindow) -> None:
        self.window = window

    def set_https(self, on: bool) -> bool:
        """Serve over https too (the lab's own certificate), or not; return success."""
        return self.window.controls.set_https(on)

    def open_over(self, scheme: str, browser: LabBrowser | None = None, path=LOGIN_PATH) -> str:
        """Open ``path`` in a lab browser over "http" or "https"; return the URL."""
        browser = browser or self.window.current_browser
        lab = self.window.lab
        base = lab.https_url if scheme == "https" else lab.url
        if base is None:
            self.window.status.show_message(
                "The lab does not serve https: turn on Server → HTTPS → Serve over HTTPS too.",
                "error",
            )
            return ""
        browser.controller.open(base + path)
        return base + path

    def set_secure_cookie(self, on: bool) -> None:
        """Mark the session cookie Secure, or not, from its next Set-Cookie."""
        https_settings.set_secure_cookie(self.window.lab, on)
        self.window.status.show_message(
            "The session cookie is now set with Secure: browsers send it over https only."
            if on
            else "The session cookie is now set without Secure: it goes over http too."
        )

    def set_cookie_name(self, name: str) -> None:
        """Give the session cookie another name (a __Secure- or __Host- prefix, say)."""
        https_settings.set_cookie_name(self.window.lab, name)
        self.window.status.show_message(
            f"The session cookie is now called {name}, from the next request on; a browser "
            "holding the old name is logged out."
        )

    def set_hsts(self, on: bool) -> None:
        """Send the lab's HSTS header over https (read by the lab's browser only), or not."""
        https_settings.set_hsts(self.window.lab, on)
        self.window.status.show_message(
            f"https answers now ask the lab's browser for HSTS ({https_settings.HSTS_SECONDS} "
            "s), in a header of the lab's own: a real browser never gets HSTS for 127.0.0.1."
            if on
            else "https answers no longer ask for HSTS (the lab's browser keeps what it has "
            "until Clear cookies)."
        )

    def open_in_system_browser(self) -> bool:
        """Open the lab's https login page in the system's default browser."""
        url = self.window.lab.https_url
        return url is not None and QDesktopServices.openUrl(QUrl(url + LOGIN_PATH))
