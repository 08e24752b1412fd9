"""Progress is kept per user, reported for the teacher, and the teacher's switches apply."""

from __future__ import annotations

from html.parser import HTMLParser

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction

from desktop.classroom.challenge_progress import ChallengeProgress
from desktop.classroom.challenges import CHALLENGES


def test_progress_survives_a_new_launch_and_counts_hints(tmp_path):
    path = str(tmp_path / "settings.ini")
    progress = ChallengeProgress(QSettings(path, QSettings.Format.IniFormat))
    progress.use_hint("forge")
    progress.use_hint("forge")
    progress.record_solved("forge")
    first = progress.solved_at("forge")
    progress.record_solved("forge")  # the first time is the one that counts
    again = ChallengeProgress(QSettings(path, QSettings.Format.IniFormat))
    assert again.solved_at("forge") == first
    assert again.hints_used("forge") == 2
    assert again.solved_at("hijack") is None


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []

    def handle_data(self, data: str) -> None:
        self.cells.append(data)


def test_the_report_lists_every_challenge_with_its_hints_and_escapes_names(tmp_path):
    progress = ChallengeProgress(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    progress.use_hint("replay")
    progress.record_solved("replay")
    html = progress.report_html(CHALLENGES, student="<b>eve</b>")
    assert "&lt;b&gt;eve&lt;/b&gt;" in html and "<b>eve</b>" not in html
    parser = _Cells()
    parser.feed(html)
    assert f"Solved 1 of {len(CHALLENGES)}. Exported" in "".join(parser.cells)
    for challenge in CHALLENGES:
        assert challenge.title in parser.cells


def test_teacher_switches_hide_hints_and_show_solutions(qtbot, window):
    window.findChild(QAction, "challenges_open_action").trigger()
    panel = window.challenge_menu.panel
    panel.start("hijack")
    panel.show_hint()
    assert "Hint 1:" in panel.goal.toPlainText()
    assert "Solution:" not in panel.goal.toPlainText()
    window.findChild(QAction, "challenges_hide_hints_action").trigger()
    window.findChild(QAction, "challenges_show_solutions_action").trigger()
    assert not panel.hint_button.isEnabled()
    assert "Hint 1:" not in panel.goal.toPlainText()
    assert "Solution:" in panel.goal.toPlainText()
    panel.leave()


def test_export_my_progress_writes_the_report(qtbot, window, tmp_path):
    path = window.challenge_menu.export_progress(tmp_path / "progress.html")
    assert "Session Lab challenges" in path.read_text(encoding="utf-8")


def test_leaving_a_challenge_puts_the_teachers_lab_back(qtbot, window):
    window.findChild(QAction, "challenges_open_action").trigger()
    panel = window.challenge_menu.panel
    panel.start("forge")  # cookie store and the weak key
    assert window.lab.state.store_name == "cookie" and "weak_key" in window.lab.switches
    panel.leave()
    assert window.lab.state.store_name == "sqlite" and not window.lab.switches
    assert window.settings.store == "sqlite"  # the challenge's store was never saved


def test_reset_the_lab_leaves_the_challenge_and_turns_its_fix_off(qtbot, window):
    window.findChild(QAction, "challenges_open_action").trigger()
    panel = window.challenge_menu.panel
    panel.start("logout_csrf", fixed=True)
    assert "post_logout" in window.lab.fixes
    window.findChild(QAction, "reset_lab_action").trigger()
    assert panel.current is None
    assert not window.lab.fixes and not window.lab.switches


def test_starting_another_challenge_drops_what_the_last_set_up_still_sends(qtbot, window):
    window.findChild(QAction, "challenges_open_action").trigger()
    panel = window.challenge_menu.panel
    panel.start("hijack")  # queues alice's login in Browser 1
    panel.start("login_csrf")  # at once: that login must not land in this challenge
    qtbot.waitUntil(lambda: not any(b.busy for b in window.browsers))
    assert not [hop for hop in panel.watcher.log.hops if hop.logged_in_as == "alice"]
    panel.leave()
