"""`python -m eticket_desk`: same as the `eticket-desk` command (and the Windows bundle's entry)."""

import multiprocessing
import sys

from eticket_desk.cli import main

if __name__ == "__main__":
    # An invoice run writes its PDFs in worker processes: a frozen Windows build must let a
    # worker started from the bundle run its task instead of starting the application again.
    multiprocessing.freeze_support()
    sys.exit(main())
