"""The in-app preview of a printed document (QtPdf), printing it through the system's print
dialog, and saving it as PDF (the file itself, never its pages redrawn as pictures): receipts,
till journals, deposit slips, invoices and lists all go through it."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError
from eticket_desk.ui import messages

RENDER_DPI = 300  # sharp on paper; a 1200 dpi printer would need 140 Mpixel per A4 page
# Windows' printers that write a file instead of paper (and ask for its name in a window of
# their own): a receipt « printed at once » must not stop on them, and a PDF is saved as is.
FILE_PRINTERS = ("microsoft print to pdf", "microsoft xps document writer", "onenote", "fax")


def is_file_printer(name: str) -> bool:
    """True for a printer that makes a file (Windows' « Microsoft Print to PDF »…)."""
    return name.strip().lower().startswith(FILE_PRINTERS)


def writes_pdf_file(printer: QPrinter) -> bool:
    """True when the chosen « printer » only makes a PDF file: Qt's « Imprimer dans un
    fichier (PDF) » or Windows' « Microsoft Print to PDF »."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return True
    return printer.printerName().strip().lower().startswith("microsoft print to pdf")


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Paint every page of `document` on `printer`, each page scaled to fit the printable area
    without distortion (rendered at 300 dpi at most); returns the number of pages."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        dpi = min(printer.resolution(), RENDER_DPI)
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            size = document.pagePointSize(page)  # points: 1/72 inch
            scale = min(area.width() / size.width(), area.height() / size.height())
            target = QRect(0, 0, round(size.width() * scale), round(size.height() * scale))
            pixels = QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
            painter.drawImage(target, document.render(page, pixels))
        return document.pageCount()
    finally:
        painter.end()


def print_now(path: Path) -> str:
    """Send `path` to the default printer without asking (a receipt at the counter); returns
    the printer's name, or "" when this computer has no printer."""
    info = QPrinterInfo.defaultPrinter()
    if info.isNull() or is_file_printer(info.printerName()):
        return ""
    document = QPdfDocument()
    document.load(str(path))
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setDocName(Path(path).stem)
    return info.printerName() if print_pdf(document, printer) else ""


class PdfPreviewDialog(QDialog):
    """Shows a PDF fitted to the width; « Imprimer… » opens the system's print dialog."""

    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(title)
        self.resize(820, 900)
        self.document = QPdfDocument(self)
        self.document.load(str(self.path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        pages = self.document.pageCount()
        self.info_label = QLabel(
            self.tr("%s — %d pages — %s") % (title, pages, self.path.name)
            if pages != 1
            else self.tr("%s — 1 page — %s") % (title, self.path.name)
        )
        self.info_label.setToolTip(str(self.path))
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Fermer"))
        self.print_button = QPushButton(self.tr("&Imprimer…"))
        self.print_button.setDefault(True)
        self.save_button = QPushButton(self.tr("&Enregistrer en PDF…"))
        self.save_button.setToolTip(self.tr("Une copie du document, à envoyer ou à archiver"))
        self.open_button = QPushButton(self.tr("Ouvrir dans le lecteur PDF"))
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        QShortcut(QKeySequence.StandardKey.Print, self, self._on_print_button_clicked)
        self.print_button.setFocus()

    def page_count(self) -> int:
        return self.document.pageCount()

    def _on_print_button_clicked(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.path.stem)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Imprimer"))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> Path | None:
        """Print on the chosen printer; a « printer » that makes a PDF gets the file itself
        (text kept, a few kilobytes) instead of a picture of each page. Returns the copy."""
        if not writes_pdf_file(printer):
            print_pdf(self.document, printer)
            return None
        target = printer.outputFileName()
        if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat or not target:
            target = self.ask_save_path()  # Microsoft Print to PDF would ask it in its window
        return self.save_copy(Path(target)) if target else None

    def ask_save_path(self) -> str:
        """Where to save the copy (the system's « Enregistrer sous »); "" when cancelled."""
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Enregistrer en PDF"),
            str(Path.home() / self.path.name),
            self.tr("Documents PDF (*.pdf)"),
        )
        if path and not path.lower().endswith(".pdf"):
            path += ".pdf"
        return path

    def save_copy(self, target: Path) -> Path:
        """The document's own file copied to `target`, byte for byte."""
        if Path(target).resolve() != self.path.resolve():
            shutil.copyfile(self.path, target)
        return Path(target)

    def _on_save_button_clicked(self) -> None:
        target = self.ask_save_path()
        if not target:
            return
        try:
            self.save_copy(Path(target))
        except OSError as error:
            messages.show_error(
                self,
                DomainError(f"Le document n'a pas pu être enregistré dans {target} ({error})."),
            )

    def _on_open_button_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))


def preview(path: Path, title: str, parent: QWidget | None = None) -> None:
    """Open the preview of `path` (modal); the caller keeps the file where it was written."""
    PdfPreviewDialog(path, title, parent).exec()
