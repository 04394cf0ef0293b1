"""Where printed documents are kept: the base's documents folder (eticket_desk.paths), by
kind and year, so a receipt or a slip printed last month can be found and printed again."""

from __future__ import annotations

from pathlib import Path

from eticket_desk.paths import documents_folder, safe_file_name
from eticket_desk.services.core.store import Store

FOLDERS = {
    "receipt": "Quittances",
    "journal": "Journaux de caisse",
    "deposit_slip": "Bordereaux de chèques",
    "invoice": "Factures",
    "reminder": "Relances",
    "list": "Listes",
    "mandate": "Mandats SEPA",
    "debit": "Prélèvements",
    "tax": "Attestations fiscales",
}


def documents_root(store: Store) -> Path:
    return documents_folder(store.path)


def document_folder(store: Store, kind: str, year: int) -> Path:
    """`<documents>/<Kind>/<year>/`, created on demand."""
    folder = documents_root(store) / FOLDERS[kind] / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def document_path(store: Store, kind: str, year: int, name: str) -> Path:
    """`<documents>/<Kind>/<year>/<name>`, the folders created on demand; `name` made a file
    name Windows accepts (a period label may hold « : » or « / »)."""
    folder = documents_root(store) / FOLDERS[kind] / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / safe_file_name(name)
