"""python -m toolkit: the command line (see toolkit.cli)."""
import sys

from .cli import main

sys.exit(main())
