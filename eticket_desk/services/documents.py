"""Where printed documents are kept: a `documents` folder beside the database, by kind and
year, so a receipt or a slip printed last month can be found and printed again."""

from __future__ import annotations

from pathlib import Path

from eticket_desk.services.store import Store

FOLDERS = {
    "receipt": "Quittances",
    "journal": "Journaux de caisse",
    "deposit_slip": "Bordereaux de chèques",
    "invoice": "Factures",
    "reminder": "Relances",
    "list": "Listes",
}


def documents_root(store: Store) -> Path:
    return store.path.parent / "documents"


def document_path(store: Store, kind: str, year: int, name: str) -> Path:
    """`documents/<Kind>/<year>/<name>`, the folders created on demand."""
    folder = documents_root(store) / FOLDERS[kind] / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
