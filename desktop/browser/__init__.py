"""The lab's browser: HTTP client and cookie rules (plain Python), worker jobs, the browser pane.

May import ui and ``server`` only; its HTTP client, cookie rules, parser and records import no Qt.
"""
