"""``python -m harness.cli``: the `phasebench` command."""

import sys

from harness.cli import main

sys.exit(main())
