"""Small Qt helpers every room may use (object and accessible names).

The lowest room of the desktop: imports only Qt.
"""
