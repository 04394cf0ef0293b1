"""Sample counter documents (receipts, till journal, deposit slip): the self-test's, rendered
to files to look at them (eticket_desk/selftest_data builds them from the demo town's names)."""

from __future__ import annotations

from pathlib import Path

from eticket_desk.reports import deposit_slip, receipt, till_journal
from eticket_desk.selftest_data import sample_journal, sample_receipt, sample_slip

__all__ = ["render_counter_samples", "sample_journal", "sample_receipt", "sample_slip"]


def render_counter_samples(out_dir: Path) -> list[Path]:
    """Write receipt_a4.pdf, receipt_ticket.pdf, till_journal.pdf and deposit_slip.pdf."""
    out_dir = Path(out_dir)
    return [
        receipt.render(sample_receipt(), out_dir / "receipt_a4.pdf"),
        receipt.render(sample_receipt(), out_dir / "receipt_ticket.pdf", layout="ticket"),
        till_journal.render(sample_journal(), out_dir / "till_journal.pdf"),
        deposit_slip.render(sample_slip(), out_dir / "deposit_slip.pdf"),
    ]
