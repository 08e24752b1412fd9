"""The classroom: guided walkthroughs as data, their panel, and the one-click lab actions.

May import inspectors, browser, lab, ui and ``server``; never the window (it is passed in).
"""
