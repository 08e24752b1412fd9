"""Session Lab: run ``python main.py`` to open the window with its embedded session server."""

import multiprocessing
import sys

from desktop.app.main import main

if __name__ == "__main__":
    # A built app starts the class's server process (sharing) as itself: this runs that instead.
    multiprocessing.freeze_support()
    sys.exit(main())
