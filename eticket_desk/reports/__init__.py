"""Printed documents: each module renders one plain dataclass to a PDF with reportlab.

Signature style: ``render(data, out: Path) -> Path``. Nothing here opens a database
session, touches Qt or imports services at run time; the caller hands over the data.
"""
