"""`python -m eticket_desk`: same as the `eticket-desk` command."""

import sys

from eticket_desk.cli import main

sys.exit(main())
