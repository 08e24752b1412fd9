"""The window: main window, menus, banners, status line, zoom, settings, the lab's life cycle.

May import classroom, inspectors, browser, lab, ui and ``server``; never ``desktop.app``.
"""
