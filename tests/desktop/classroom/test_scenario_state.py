"""A scenario's store and switches are its own: put back when it ends or is left, never saved."""

from __future__ import annotations

STEP_TIMEOUT_MS = 20_000


def started(qtbot, panel, key: str) -> None:
    panel.start(key)
    qtbot.waitUntil(panel.next_button.isEnabled, timeout=STEP_TIMEOUT_MS)


def step(qtbot, panel) -> None:
    before = panel.index
    panel.forward()
    qtbot.waitUntil(lambda: panel.index == before + 1, timeout=STEP_TIMEOUT_MS)
    qtbot.waitUntil(panel.next_button.isEnabled)


def test_a_scenarios_store_is_put_back_and_never_saved(qtbot, window):
    panel = window.walkthrough_panel
    assert window.settings.store == "sqlite"
    started(qtbot, panel, "cookie_store")
    assert window.lab.state.store_name == "cookie"
    assert window.settings.store == "sqlite"  # the next launch starts where the teacher was
    panel.stop()
    assert window.lab.state.store_name == "sqlite"
    assert window.settings.store == "sqlite"


def test_leaving_a_scenario_puts_the_teachers_switches_back(qtbot, window):
    panel = window.walkthrough_panel
    window.controls.set_switch("no_csrf", True)  # the teacher's own choice, before the lesson
    started(qtbot, panel, "fixation")
    step(qtbot, panel)  # the scenario turns off rotation
    assert window.lab.switches == {"no_rotation"}
    started(qtbot, panel, "tutorial")  # left for another scenario
    assert window.lab.switches == set()  # scenarios start clean
    panel.stop()
    assert window.lab.switches == {"no_csrf"}


def test_finish_restores_the_store(qtbot, window, monkeypatch):
    monkeypatch.setattr("desktop.classroom.lab_actions.QDesktopServices.openUrl", lambda url: False)
    panel = window.walkthrough_panel
    started(qtbot, panel, "own_browser")
    window.controls.switch_store("memory", remember=False)  # as a step would
    step(qtbot, panel)
    step(qtbot, panel)
    assert panel.done and panel.next_button.text() == "Finish (back to the sqlite store)"
    panel.forward()
    assert window.lab.state.store_name == "sqlite" and panel.current is None


def test_the_teachers_own_store_choice_is_saved(window):
    window.findChild(type(window.menus.store_actions["memory"]), "store_memory_action").trigger()
    assert window.lab.state.store_name == "memory" and window.settings.store == "memory"
