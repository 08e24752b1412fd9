"""Every guided walkthrough, in the order the Scenarios menu lists them."""

from desktop.walkthroughs.attacks import CROSS_SITE, FIXATION, HIJACK, TAMPER
from desktop.walkthroughs.basics import SEVERAL_BROWSERS, TUTORIAL
from desktop.walkthroughs.cookies import CLEAR, EXPIRY, OWN_BROWSER
from desktop.walkthroughs.stores import COOKIE_STORE, RESTART

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
)
