"""Start-up and the process around the window: command line, logging, crash dialog, launcher, reset.

The top room: it may import every other room and ``server``; nothing imports it.
"""
