"""The inspectors: jar, store and timeline models, their panel and feed, narration, HAR, forensics.

May import browser, lab, ui and ``server``; narration, HAR, reports and forensics import no Qt.
"""
