"""The in-app preview of a printed document (QtPdf), and printing it through the system's
print dialog: receipts, till journals, deposit slips, invoices and lists all go through it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

RENDER_DPI = 300  # sharp on paper; a 1200 dpi printer would need 140 Mpixel per A4 page


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
    if info.isNull():
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
            self.tr("%s — %d page(s) — %s") % (title, pages, str(self.path))
            if pages != 1
            else self.tr("%s — 1 page — %s") % (title, str(self.path))
        )
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Fermer"))
        self.print_button = QPushButton(self.tr("&Imprimer…"))
        self.print_button.setDefault(True)
        self.open_button = QPushButton(self.tr("Ouvrir dans le lecteur PDF"))
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self._on_print_button_clicked)
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
            print_pdf(self.document, printer)

    def _on_open_button_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))


def preview(path: Path, title: str, parent: QWidget | None = None) -> None:
    """Open the preview of `path` (modal); the caller keeps the file where it was written."""
    PdfPreviewDialog(path, title, parent).exec()
