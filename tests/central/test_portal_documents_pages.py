"""« Mes documents » as a parent uses it: a real PDF, JPEG or PNG sent and listed « envoyé »;
a program renamed .pdf refused with the French reason (its content is read, not its name);
a 6 MB file refused before its body is read; the parent's own document downloaded back as an
attachment of its stored type; another family's document answered 404 like none."""

from __future__ import annotations

import hashlib
import io
import uuid

import httpx
from PIL import Image
from reportlab.pdfgen import canvas
from sqlalchemy import func, select

from eticket_central.models import Document
from tests.central.portal_pages import csrf_of, logged_in_parent


def a_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Certificat médical : Léa Dupont, dispensée du 21 au 25 septembre.")
    page.save()
    return out.getvalue()


def an_image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, format=kind)
    return out.getvalue()


# The first bytes of a Windows program (MZ header), saved under a .pdf name.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def send(parent, content: bytes, name: str, kind="certificat_medical", child="", comment=""):
    token = csrf_of(parent.get("/portail/documents").text)
    return parent.http.post(
        "/portail/documents",
        data={"csrf": token, "type": kind, "enfant": child, "commentaire": comment},
        files={"fichier": (name, content, "application/pdf")},
    )


def _count(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Document))


def test_a_parent_sends_a_pdf_a_jpeg_and_a_png_and_sees_them_sent(central, commune, desk, db):
    parent = logged_in_parent(central, commune, desk)
    pdf = a_pdf()
    lea = str(parent.children["Léa"])
    answer = send(parent, pdf, "certificat.pdf", child=lea, comment="Grippe")
    assert answer.status_code == 303
    assert send(parent, an_image("JPEG"), "photo.jpeg", "quotient_familial").status_code == 303
    assert send(parent, an_image("PNG"), "scan", "quotient_familial").status_code == 303

    page = parent.get("/portail/documents").text
    assert page.count("envoyé</span>") == 3
    assert "certificat.pdf" in page and "photo.jpg" in page and "scan.png" in page
    assert "Attestation de quotient familial" in page and "Léa Dupont" in page
    db.expire_all()
    stored = db.scalars(select(Document).where(Document.family_id == parent.family_id)).all()
    assert sorted(d.content_type for d in stored) == ["application/pdf", "image/jpeg", "image/png"]
    certificate = next(d for d in stored if d.content_type == "application/pdf")
    assert (certificate.sha256, certificate.size, str(certificate.child_id)) == (
        hashlib.sha256(pdf).hexdigest(),
        len(pdf),
        lea,
    )
    assert (certificate.comment, certificate.state) == ("Grippe", "sent")


def test_a_program_renamed_pdf_is_refused_with_the_reason_and_the_choices_kept(
    central, commune, desk, db
):
    parent = logged_in_parent(central, commune, desk)
    before = _count(db)
    answer = send(parent, EXE, "certificat.pdf", "quotient_familial", comment="Mon attestation")

    assert answer.status_code == 422
    assert (
        "Ce fichier n&#39;est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié, "
        "pas seulement son nom)" in answer.text
    )
    assert 'id="fichier-erreur"' in answer.text
    assert '<option value="quotient_familial" selected>' in answer.text
    assert ">Mon attestation</textarea>" in answer.text
    assert _count(db) == before


def test_a_6_mb_file_is_refused_before_its_body_is_read(central, commune, desk, db):
    parent = logged_in_parent(central, commune, desk)
    before = _count(db)
    big = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)
    answer = send(parent, big, "gros.pdf")

    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")  # a page, not JSON
    assert "Ce fichier dépasse 5 Mo : rien n&#39;a été envoyé." in answer.text
    assert answer.headers["connection"] == "close"  # the rest of the body is never read
    assert _count(db) == before


def test_a_file_just_over_5_mb_is_refused_in_french_on_the_page(central, commune, desk, db):
    parent = logged_in_parent(central, commune, desk)
    before = _count(db)
    answer = send(parent, b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "limite.pdf")

    assert answer.status_code in (413, 422), answer.text
    assert "5 Mo" in answer.text
    assert _count(db) == before


def test_a_parent_downloads_their_document_as_an_attachment_of_its_type(central, commune, desk):
    parent = logged_in_parent(central, commune, desk)
    png = an_image("PNG")
    send(parent, png, "<script>alert(1)</script>.html", "quotient_familial")
    page = parent.get("/portail/documents").text
    link = page.split('href="/portail/documents/')[1].split('"')[0]

    answer = parent.get(f"/portail/documents/{link}")

    assert answer.status_code == 200
    assert answer.content == png
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["x-content-type-options"] == "nosniff"
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert ".png" in disposition and ".html" not in disposition


def test_another_familys_document_is_404_like_one_that_does_not_exist(central, commune, desk):
    owner = logged_in_parent(central, commune, desk)
    other = logged_in_parent(central, commune, desk, last_name="Martin")
    send(owner, a_pdf(), "certificat.pdf")
    link = owner.get("/portail/documents").text.split('href="/portail/documents/')[1]
    document_id = link.split('"')[0]

    foreign = other.get(f"/portail/documents/{document_id}")
    unknown = other.get(f"/portail/documents/{uuid.uuid4()}")

    assert (foreign.status_code, foreign.text) == (unknown.status_code, unknown.text)
    assert foreign.status_code == 404
    theirs = other.get("/portail/documents").text
    assert document_id not in theirs and "certificat.pdf" not in theirs
    assert "Vous n'avez encore envoyé aucun document." in theirs
    assert owner.get(f"/portail/documents/{document_id}").status_code == 200


def test_without_a_session_an_upload_goes_to_the_login_before_its_body_is_read(central):
    with httpx.Client(base_url=central.url) as anonymous:
        answer = anonymous.post(
            "/portail/documents", files={"fichier": ("a.pdf", b"%PDF-1.4", "application/pdf")}
        )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/portail/connexion")
