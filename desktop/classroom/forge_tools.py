"""The attacker's tools of the forging challenge: guess a weak key, sign a session of your own."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.classroom.lab_window import LabWindow
from desktop.ui.widget_names import name_widget


class ForgeTools(QWidget):
    """Tries the attacker's word list against the front browser's cookie; signs a new one.

    What a tool such as flask-unsign does; the student still puts the value in the jar.
    """

    def __init__(self, window: LabWindow) -> None:
        super().__init__()
        self.window = window
        self.user = name_widget(QLineEdit("admin"), "forge_user", "User to forge a session for")
        self.forge_button = name_widget(
            QPushButton("Guess the key and sign"), "forge_button", "Guess the key and sign"
        )
        self.forge_button.clicked.connect(self.forge)
        self.result = name_widget(QLineEdit(), "forge_result", "Forged cookie value")
        self.result.setReadOnly(True)
        self.message = name_widget(QLabel(), "forge_message", "What the tools found")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("User:"))
        row.addWidget(self.user, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Attacker's tools</b>"))
        layout.addLayout(row)
        layout.addWidget(self.forge_button)
        layout.addWidget(self.result)
        layout.addWidget(self.message)

    def forge(self) -> str | None:
        """Guess the key from the front browser's session cookie; sign {userid: user} with it."""
        from desktop.inspectors.cookie_forensics import forge_cookie, guess_secret_key

        own = self.window.current_browser.cookie(self.window.lab.cookie_name)
        if not own:
            self.message.setText("Log in first: the tools need a signed cookie to test keys on.")
            return None
        guess = guess_secret_key(own)
        if guess.key is None:
            self.result.clear()
            self.message.setText(
                f"No key in the word list signs your cookie ({guess.tried} tried): the key is "
                "strong, and no cookie can be forged."
            )
            return None
        value = forge_cookie(guess.key, {"userid": self.user.text().strip() or "admin"})
        self.result.setText(value)
        self.result.selectAll()
        self.message.setText(
            f"The key is {guess.key!r}. Copy the value above into your sessionid cookie (double-"
            "click its Value in the jar), then open the secured page."
        )
        return value
