"""The lab's small browser: an address line, the tutorial's login form and the page it shows."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.browser.page_result import PageResult
from desktop.ui.colours import css, muted_text, set_severity, severity_colour
from desktop.ui.widget_names import name_widget
from server.forms import PASSWD_MAX, USERID_MAX
from server.paths import SECURED_PATH

# Qt's rich text shows no input fields; point at the real form above instead.
FORM_NOTE = "<p><i>This page holds the login form: fill it in above, under “Login form”.</i></p>"


def in_theme(html: str) -> str:
    """Return ``html`` with the server's own text colours made the theme's.

    The server's pages set colours for a white page (a grey note, dark red errors); the page
    view draws them on the theme's background, where those are unreadable in a dark theme. The
    rules are more specific than the page's (``body .note``): Qt's rich text does not let a
    later style sheet win on order alone.
    """
    themed = (
        f"<style>body .note {{ color: {css(muted_text())}; }} "
        f"body .errors {{ color: {css(severity_colour('error'))}; }}</style>"
    )
    head_end = html.find("</head>")
    return html[:head_end] + themed + html[head_end:] if head_end >= 0 else themed + html


class BrowserPane(QWidget):
    """Asks for navigations by signals; shows the pages and form errors it is given."""

    login_requested = Signal(str, str)
    secured_page_requested = Signal()
    logout_requested = Signal()
    navigation_requested = Signal(str)  # a path or URL typed or clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = False
        self.address_edit = name_widget(QLineEdit(), "address_edit", "Address")
        self.address_edit.returnPressed.connect(self._address_entered)
        self.go_button = name_widget(QPushButton("Go"), "go_button", "Go to address")
        self.go_button.clicked.connect(self._address_entered)

        self.userid_edit = name_widget(QLineEdit(), "userid_edit", "User name")
        self.userid_edit.setMaxLength(USERID_MAX)
        self.passwd_edit = name_widget(QLineEdit(), "passwd_edit", "Password")
        self.passwd_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passwd_edit.setMaxLength(PASSWD_MAX)
        self.userid_error = self._error_label("userid_error", "User name error")
        self.passwd_error = self._error_label("passwd_error", "Password error")
        self.form_error = self._error_label("form_error", "Form error")
        self.remember_box = name_widget(QCheckBox("Remember me"), "remember_box", "Remember me")
        self.remember_box.hide()  # only while the server offers it (the lab's switch)
        self.login_button = name_widget(QPushButton("Submit"), "login_button", "Submit login")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self._submit)
        self.passwd_edit.returnPressed.connect(self._submit)
        self.userid_edit.returnPressed.connect(self._submit)

        self.secured_button = name_widget(
            QPushButton("Open secured page"), "secured_button", "Open the secured page"
        )
        self.secured_button.clicked.connect(self.secured_page_requested)
        self.logout_button = name_widget(QPushButton("Log out"), "logout_button", "Log out")
        self.logout_button.clicked.connect(self.logout_requested)

        self.page_view = name_widget(QTextBrowser(), "page_view", "Page")
        self.page_view.setOpenLinks(False)  # links become navigations of the lab's browser
        self.page_view.anchorClicked.connect(self._link_clicked)
        self._shown_html: str | None = None  # the page on screen, to lay out again
        self._shown_error: str | None = None  # or why it could not load (coloured anew)

        self._layout()

    def _error_label(self, object_name: str, accessible: str) -> QLabel:
        label = name_widget(QLabel(), object_name, accessible)
        set_severity(label, "error")
        label.setWordWrap(True)
        label.hide()
        return label

    def _layout(self) -> None:
        address_row = QHBoxLayout()
        address_row.addWidget(self.address_edit, 1)
        address_row.addWidget(self.go_button)

        form_box = QGroupBox("Login form (/app_sessions/login/)")
        form = QFormLayout(form_box)
        self.form_hint = QLabel("Type Anything for User / Password")
        form.addRow(self.form_hint)
        form.addRow("User name:", self.userid_edit)
        form.addRow("", self.userid_error)
        form.addRow("Password:", self.passwd_edit)
        form.addRow("", self.passwd_error)
        form.addRow(self.form_error)
        form.addRow("", self.remember_box)
        form.addRow("", self.login_button)

        buttons = QHBoxLayout()
        buttons.addWidget(self.secured_button)
        buttons.addWidget(self.logout_button)
        buttons.addStretch(1)

        page_box = QGroupBox("Page")
        page_layout = QVBoxLayout(page_box)
        page_layout.addWidget(self.page_view)

        layout = QVBoxLayout(self)
        layout.addLayout(address_row)
        layout.addWidget(form_box)
        layout.addLayout(buttons)
        layout.addWidget(page_box, 1)

    def focus_address(self) -> None:
        """Put the focus in the address bar, its text selected (Ctrl+L, as browsers do)."""
        self.address_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.address_edit.selectAll()

    def set_busy(self, busy: bool) -> None:
        """While a request runs, the buttons that start one are off: clicks do not queue up."""
        self.busy = busy
        for button in (self.login_button, self.secured_button, self.logout_button, self.go_button):
            button.setEnabled(not busy)

    def set_compact(self, compact: bool) -> None:
        """On a small screen, leave out the form's hint line: the page needs the room."""
        self.form_hint.setVisible(not compact)

    @Slot()
    def _submit(self) -> None:
        if self.busy:  # Enter in a field while the last login still runs
            return
        self.login_requested.emit(self.userid_edit.text(), self.passwd_edit.text())

    @Slot()
    def _address_entered(self) -> None:
        if self.busy:
            return
        text = self.address_edit.text().strip()
        if text:
            self.navigation_requested.emit(text)

    @Slot(QUrl)
    def _link_clicked(self, url: QUrl) -> None:
        self.navigation_requested.emit(url.toString())

    def show_page(self, page: PageResult) -> None:
        """Show a loaded page, its address and any form errors the server reported."""
        self.address_edit.setText(page.url)
        self.page_view.document().setBaseUrl(QUrl(page.url))
        login_form = "userid" in page.info.form_fields
        html = page.html.replace("<form", FORM_NOTE + "<form", 1) if login_form else page.html
        self.page_view.setHtml(in_theme(html))
        self._shown_html, self._shown_error = html, None
        errors = page.info.errors
        self._set_error(self.userid_error, errors.get("userid"))
        self._set_error(self.passwd_error, errors.get("passwd"))
        posted = any(exchange.method == "POST" for exchange in page.exchanges)
        page_error = errors.get("page") if posted else None
        self._set_error(self.form_error, errors.get("csrf_token") or page_error)
        if "userid" in page.info.form_fields:  # the login form: does it offer the box?
            self.set_remember_offered(page.info.offers_remember)
        if page.status < 400 and page.url.endswith(SECURED_PATH):
            self.passwd_edit.clear()

    def redraw_page(self) -> None:
        """Lay the page out again (a new theme): links take their colour when laid out."""
        if self._shown_error is not None:  # its colour is the old theme's: made again
            self.show_error(self._shown_error)
        elif self._shown_html is not None:
            bar = self.page_view.verticalScrollBar()
            at = bar.value()
            self.page_view.setHtml(in_theme(self._shown_html))
            bar.setValue(at)

    def set_remember_offered(self, offered: bool) -> None:
        """Show the "Remember me" box while the server's login form has one."""
        self.remember_box.setVisible(offered)
        if not offered:
            self.remember_box.setChecked(False)

    @property
    def remember(self) -> bool:
        """Whether "Remember me" is offered and ticked."""
        return not self.remember_box.isHidden() and self.remember_box.isChecked()

    def show_error(self, message: str) -> None:
        """Show a failed navigation in the page area, as browsers do."""
        self._shown_error = message
        self._shown_html = (
            "<h2>This page could not be loaded</h2>"
            f"<p style='color:{css(severity_colour('error'))}'>{escape(message)}</p>"
        )
        self.page_view.setHtml(self._shown_html)

    @staticmethod
    def _set_error(label: QLabel, messages: list[str] | None) -> None:
        label.setText(" ".join(messages or []))
        label.setVisible(bool(messages))
