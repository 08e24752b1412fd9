"""Every guided walkthrough, in the order the Scenarios menu lists them."""

from desktop.classroom.walkthroughs.attacks import CROSS_SITE, FIXATION, HIJACK, TAMPER
from desktop.classroom.walkthroughs.basics import SEVERAL_BROWSERS, TUTORIAL
from desktop.classroom.walkthroughs.cookies import CLEAR, EXPIRY
from desktop.classroom.walkthroughs.https import HTTPS
from desktop.classroom.walkthroughs.load_balancer import LOAD_BALANCER
from desktop.classroom.walkthroughs.own_browser import OWN_BROWSER
from desktop.classroom.walkthroughs.remember import REMEMBER_ME
from desktop.classroom.walkthroughs.same_site import SAME_SITE
from desktop.classroom.walkthroughs.stores import COOKIE_STORE, RESTART

WALKTHROUGHS = (
    TUTORIAL,
    SEVERAL_BROWSERS,
    HIJACK,
    FIXATION,
    TAMPER,
    COOKIE_STORE,
    CROSS_SITE,
    EXPIRY,
    RESTART,
    CLEAR,
    OWN_BROWSER,
    SAME_SITE,
    REMEMBER_ME,
    LOAD_BALANCER,
    HTTPS,
)
