"""The challenges, in the order the menu lists them (plain Python; the panel renders them)."""

from desktop.classroom.challenges.cookies import FORGE, HELD_BACK, REPLAY
from desktop.classroom.challenges.cross_site import LOGIN_CSRF, LOGOUT_CSRF
from desktop.classroom.challenges.eavesdrop import EAVESDROP
from desktop.classroom.challenges.load_balancer import BALANCED
from desktop.classroom.challenges.sessions import EXPIRY, FIXATION, HIJACK, RESTART

CHALLENGES = (
    HIJACK,
    FIXATION,
    FORGE,
    REPLAY,
    LOGIN_CSRF,
    LOGOUT_CSRF,
    HELD_BACK,
    RESTART,
    EXPIRY,
    BALANCED,
    EAVESDROP,
)
