"""``python -m narration.cli``."""

import sys

from narration.cli import main

# Worker processes import the main module again under another name: only run as a script.
if __name__ == "__main__":
    sys.exit(main())
