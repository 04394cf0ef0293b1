"""Printed documents: each module renders one plain dataclass to a PDF with reportlab.

Signature style: ``render(data, out: Path) -> Path``. Nothing here opens a database
session, touches Qt or imports a service: the caller hands over the data, as the plain
dataclasses each document declares (inputs.py holds those several documents share).
"""
