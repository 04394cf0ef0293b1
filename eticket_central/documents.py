"""The documents parents send to the mairie: what is accepted (PDF, JPEG, PNG up to 5 MB,
the type read from the content's first bytes, never from the name or the browser), how they
are kept (PostgreSQL bytea with their SHA-256) and found again (only by their own family),
what the desks pull of them (the metadata; the bytes on demand, `GET /sync/documents/{id}`).

The bytes travel on demand rather than in the pull: a pull page holds up to 5,000 changes
and the change log keeps its rows 90 days, so 5 MB documents inside it would weigh on every
desk's sync and on the log; the agent opens a document only when processing it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_central.auth import AuthenticatedDevice, device_caller
from eticket_central.changes import record
from eticket_central.models import Child, Document
from eticket_desk.sync.protocol import DOCUMENT_KINDS

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# A type is known by the first bytes of its content (the name and the browser's word lie).
_MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
EXTENSIONS = {mime: ext for _, mime, ext in _MAGIC}
STATE_LABELS = {"sent": "envoyé", "accepted": "accepté", "refused": "refusé"}


class DocumentRefused(Exception):
    """A document refused before anything is written: the French reason, and the form field
    it belongs to (shown next to it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def sniffed_type(content: bytes) -> str | None:
    """The document's type as its content says it (one of the three), else None."""
    return next((mime for magic, mime, _ in _MAGIC if content.startswith(magic)), None)


def safe_filename(name: str, content_type: str) -> str:
    """The parent's file name kept for display and download: no folder, no control
    character, at most 120 characters, and the extension of the type found in the content."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem[:100] or "document") + EXTENSIONS[content_type]


def check_document(kind: str, content: bytes) -> str:
    """The content's type, or DocumentRefused with the French reason."""
    if kind not in DOCUMENT_KINDS:
        raise DocumentRefused("type", "Choisissez le type du document dans la liste.")
    if not content:
        raise DocumentRefused("fichier", "Choisissez le fichier à envoyer (il est vide).")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused("fichier", too_big_message())
    mime = sniffed_type(content)
    if mime is None:
        raise DocumentRefused(
            "fichier",
            "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié, "
            "pas seulement son nom) : enregistrez-le en PDF ou prenez-le en photo, puis "
            "envoyez-le à nouveau.",
        )
    return mime


def too_big_message() -> str:
    return "Ce fichier dépasse 5 Mo, la taille maximale : réduisez-le puis envoyez-le à nouveau."


def document_data(document: Document) -> dict[str, Any]:
    """What pull says of a document (never its bytes: the desk fetches them on demand)."""
    return {
        "id": str(document.id),
        "family_id": str(document.family_id),
        "child_id": str(document.child_id) if document.child_id else None,
        "kind": document.kind,
        "filename": document.filename,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "comment": document.comment,
        "sent_by": document.sent_by,
        "sent_at": document.sent_at.isoformat(),
        "state": document.state,
        "reason": document.reason,
        "reviewed_by": document.reviewed_by,
        "reviewed_at": document.reviewed_at.isoformat() if document.reviewed_at else None,
    }


def store_document(
    session: Session,
    tenant_id: uuid.UUID,
    family_id: uuid.UUID,
    *,
    kind: str,
    filename: str,
    content: bytes,
    child_id: uuid.UUID | None,
    comment: str,
    sent_by: str,
    now: datetime,
) -> Document:
    """Checks and keeps a parent's document (the caller flushes the change log). A child not
    of this family is refused like one that does not exist."""
    mime = check_document(kind, content)
    if child_id is not None:
        own = session.scalar(
            select(Child.id).where(
                Child.id == child_id, Child.tenant_id == tenant_id, Child.family_id == family_id
            )
        )
        if own is None:
            raise DocumentRefused("enfant", "Choisissez un de vos enfants dans la liste.")
    if len(comment) > 1000:
        raise DocumentRefused("commentaire", "Le commentaire dépasse 1 000 caractères.")
    document = Document(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        family_id=family_id,
        child_id=child_id,
        kind=kind,
        filename=safe_filename(filename, mime),
        content_type=mime,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        comment=comment.replace("\x00", "").strip(),
        sent_by=sent_by[:200],
        sent_at=now,
        state="sent",
        reason="",
        reviewed_by="",
    )
    session.add(document)
    session.flush()
    record(session, "document", document.id, document_data(document))
    return document


def family_documents(session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID):
    """A family's documents, the newest first (their bytes are not loaded)."""
    return session.execute(
        select(Document)
        .where(Document.tenant_id == tenant_id, Document.family_id == family_id)
        .order_by(Document.sent_at.desc(), Document.id)
    ).scalars()


def own_document(
    session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID | None, document_id
) -> Document:
    """The document if it is the tenant's (and the family's, when one is given); else 404,
    the same answer as a document that does not exist."""
    document = session.get(Document, document_id)
    if (
        document is None
        or document.tenant_id != tenant_id
        or (family_id is not None and document.family_id != family_id)
    ):
        raise HTTPException(404, "Document introuvable.")
    return document


def download(document: Document) -> Response:
    """The stored bytes as an attachment, with the stored type (one of the three, never an
    executable or HTML type) and no sniffing by the browser."""
    ascii_name = unicodedata.normalize("NFKD", document.filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name) or "document"
    quoted = quote(document.filename, safe="")
    if document.content_type not in EXTENSIONS:  # never served as anything else
        raise HTTPException(404, "Document introuvable.")
    return Response(
        content=document.content,
        media_type=document.content_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


# ---------------------------------------------------------------- the desks' side

desk_router = APIRouter()


def _device(request: Request) -> AuthenticatedDevice:
    caller = getattr(request.state, "caller", None)  # the guard checked the token
    if isinstance(caller, AuthenticatedDevice):
        return caller
    return device_caller(request.app.state, request.headers.get("authorization", ""))


@desk_router.get("/sync/documents/{document_id}")
def document_bytes(document_id: uuid.UUID, request: Request) -> Response:
    """A document's bytes for a desk of its commune (another commune's: 404, as unknown)."""
    device = _device(request)
    with request.app.state.sessions.begin() as session:
        return download(own_document(session, device.tenant_id, None, document_id))
