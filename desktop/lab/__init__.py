"""The lab's server side: start, switch and replace the embedded server; its events as Qt signals.

May import ui and ``server`` only, never the browser; embedded_lab and its parts import no Qt.
"""
