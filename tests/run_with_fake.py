"""``python -m tests.run_with_fake ARGS``: the ``narration`` command with the test-only
``fake`` backend registered, for tests that run the command as a subprocess."""

from __future__ import annotations

import sys

from tests.fake_backend import register

if __name__ == "__main__":
    register()
    from narration.cli import main

    sys.exit(main())
