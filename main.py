"""Session Lab: run ``python main.py`` to open the window with its embedded session server."""

import sys

from desktop.app.main import main

if __name__ == "__main__":
    sys.exit(main())
