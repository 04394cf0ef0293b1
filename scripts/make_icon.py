"""Draws the application icon (a blue ticket with its perforation) into resources/icons/."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPainterPath  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    body = QPainterPath()
    body.addRoundedRect(QRectF(16 * s, 48 * s, 224 * s, 160 * s), 28 * s, 28 * s)
    notch = QPainterPath()
    notch.addEllipse(QRectF(-4 * s, 108 * s, 40 * s, 40 * s))
    notch.addEllipse(QRectF(220 * s, 108 * s, 40 * s, 40 * s))
    painter.fillPath(body.subtracted(notch), QColor("#1d4ed8"))
    pen_colour = QColor("#ffffff")
    painter.setPen(pen_colour)
    for i in range(7):
        painter.fillRect(QRectF(178 * s, (64 + i * 20) * s, 4 * s, 10 * s), QColor("#93c5fd"))
    font = QFont("DejaVu Sans", int(110 * s))
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRectF(24 * s, 48 * s, 150 * s, 160 * s), Qt.AlignmentFlag.AlignCenter, "e")
    painter.end()
    return image


def main() -> None:
    QGuiApplication([])
    OUT.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(OUT / "eticket-desk.png"))
    draw(256).save(str(OUT / "eticket-desk.ico"))
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
