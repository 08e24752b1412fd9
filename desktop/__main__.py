"""``python -m desktop`` starts Session Lab, as ``main.py`` and ``session-lab`` do."""

import sys

from desktop.app.main import main

sys.exit(main())
