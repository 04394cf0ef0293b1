"""Drawing the five cell states (and the waiting list) the same way in the grid and legend."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.cells import CellState
from eticket_desk.ui.planning.week_model import Role, RowKind

BACKGROUNDS = {
    CellState.OPEN_FREE: QColor("#ffffff"),
    CellState.OPEN_BOOKED: QColor("#fed7aa"),
    CellState.LOCKED_FREE: QColor("#f3f4f6"),
    CellState.LOCKED_BOOKED: QColor("#e5e7eb"),
    CellState.CLOSED: QColor("#e5e7eb"),
}
WAITING_BACKGROUND = QColor("#fef08a")
ORANGE = QColor("#c2410c")
GREY = QColor("#6b7280")


def _check(painter: QPainter, rect: QRectF, colour: QColor) -> None:
    size = min(rect.width(), rect.height()) * 0.5
    c = rect.center()
    path = QPainterPath(QPointF(c.x() - size * 0.5, c.y()))
    path.lineTo(c.x() - size * 0.12, c.y() + size * 0.38)
    path.lineTo(c.x() + size * 0.55, c.y() - size * 0.4)
    painter.setPen(QPen(colour, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawPath(path)


def _circle(painter: QPainter, rect: QRectF, colour: QColor) -> None:
    size = min(rect.width(), rect.height()) * 0.42
    painter.setPen(QPen(colour, 1.6))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(rect.center(), size / 2, size / 2)


def _padlock(painter: QPainter, rect: QRectF) -> None:
    """A small padlock in the top right corner."""
    w = 9.0
    x, y = rect.right() - w - 4, rect.top() + 4
    painter.setPen(QPen(GREY, 1.4))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawArc(QRectF(x + 1.5, y, w - 3, 8), 0, 180 * 16)
    painter.setBrush(GREY)
    painter.drawRect(QRectF(x, y + 4, w, 6))


def _hourglass(painter: QPainter, rect: QRectF) -> None:
    size = min(rect.width(), rect.height()) * 0.45
    c = rect.center()
    top, bottom = c.y() - size / 2, c.y() + size / 2
    half = size * 0.35
    path = QPainterPath(QPointF(c.x() - half, top))
    path.lineTo(c.x() + half, top)
    path.lineTo(c.x() - half, bottom)
    path.lineTo(c.x() + half, bottom)
    path.closeSubpath()
    painter.setPen(QPen(QColor("#854d0e"), 1.6))
    painter.setBrush(QColor("#facc15"))
    painter.drawPath(path)


def paint_cell(
    painter: QPainter,
    rect: QRect | QRectF,
    state: CellState,
    booking: BookingState | None = None,
    text: str = "",
) -> None:
    rect = QRectF(rect)
    waiting = booking == BookingState.WAITING
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(rect, WAITING_BACKGROUND if waiting else BACKGROUNDS[state])
    if state == CellState.CLOSED:
        painter.fillRect(rect, QBrush(QColor("#cbd5e1"), Qt.BrushStyle.BDiagPattern))
        if text:
            painter.setPen(QColor("#475569"))
            font = painter.font()
            font.setPointSizeF(max(font.pointSizeF() - 1.5, 6.5))
            painter.setFont(font)
            inner = rect.adjusted(3, 0, -3, 0).toRect()
            elided = painter.fontMetrics().elidedText(
                text, Qt.TextElideMode.ElideRight, inner.width()
            )
            painter.drawText(inner, Qt.AlignmentFlag.AlignCenter, elided)
    elif waiting:
        _hourglass(painter, rect)
    elif state == CellState.OPEN_BOOKED:
        _check(painter, rect, ORANGE)
    elif state == CellState.LOCKED_BOOKED:
        _check(painter, rect, GREY)
    elif state == CellState.OPEN_FREE:
        _circle(painter, rect, QColor("#9ca3af"))
    if state in (CellState.LOCKED_FREE, CellState.LOCKED_BOOKED):
        _padlock(painter, rect)
    painter.restore()


_legend_cache: dict[tuple, QPixmap] = {}


def legend_pixmap(state: CellState, booking: BookingState | None = None) -> QPixmap:
    """The swatch of a state for the legend (drawn once, then reused)."""
    cached = _legend_cache.get((state, booking))
    if cached is not None:
        return cached
    pixmap = QPixmap(QSize(34, 22))
    pixmap.fill(QColor("#ffffff"))
    painter = QPainter(pixmap)
    paint_cell(painter, QRect(0, 0, 34, 22), state, booking)
    painter.setPen(QColor("#9ca3af"))
    painter.drawRect(QRect(0, 0, 33, 21))
    painter.end()
    _legend_cache[(state, booking)] = pixmap
    return pixmap


def _places(painter: QPainter, rect: QRect, left: int) -> None:
    """Seats left, bottom right: "12 pl." in grey, "complet" in red."""
    painter.save()
    font = painter.font()
    font.setPointSizeF(max(font.pointSizeF() - 2, 6.5))
    font.setBold(left <= 0)
    painter.setFont(font)
    painter.setPen(QColor("#b91c1c") if left <= 0 else GREY)
    text = "complet" if left <= 0 else f"{left} pl."
    painter.drawText(
        rect.adjusted(0, 0, -4, -1),
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
        text,
    )
    painter.restore()


def fit_link(text: str, metrics: QFontMetrics, width: int, height: int) -> tuple[str, int]:
    """A link's text for its cell: on one line, else on two (« toutes les / activités »),
    elided only when even two lines cannot hold it. Returns (text, extra drawText flags)."""
    if metrics.horizontalAdvance(text) <= width:
        return text, 0
    wrap = int(Qt.TextFlag.TextWordWrap)
    box = metrics.boundingRect(QRect(0, 0, width, 10_000), wrap, text)
    if box.width() <= width and box.height() <= height:
        return text, wrap
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width), 0


class CellDelegate(QStyledItemDelegate):
    """Paints day cells with their state, links in blue, child rows in bold."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        rect = QRect(option.rect)  # a copy: never keep a view into the style option
        cell = index.data(Role.CELL)
        kind = index.data(Role.KIND)
        selected = bool(option.state & QStyle.StateFlag.State_HasFocus) or bool(
            option.state & QStyle.StateFlag.State_Selected
        )
        if cell is not None:
            paint_cell(painter, rect, cell.state, cell.booking, cell.closed_label)
            if cell.places_left is not None and cell.state != CellState.CLOSED:
                _places(painter, rect, cell.places_left)
        else:
            painter.save()
            if kind == RowKind.CHILD:
                painter.fillRect(rect, QColor("#e0e7ff"))
            if index.column() == 0 and kind == RowKind.ACTIVITY:
                swatch = QRect(rect.left() + 6, rect.center().y() - 6, 12, 12)
                painter.fillRect(swatch, QColor(index.data(Role.COLOUR) or "#2563eb"))
            text = index.data(Qt.ItemDataRole.DisplayRole) or ""
            font = painter.font()
            link = index.column() > 0
            if kind == RowKind.CHILD and not link:
                font.setBold(True)
            if link:
                font.setUnderline(True)
                font.setPointSizeF(max(font.pointSizeF() - 1, 7))
                painter.setPen(QColor("#1d4ed8"))
            painter.setFont(font)
            left = 24 if (index.column() == 0 and kind == RowKind.ACTIVITY) else 6
            inner = rect.adjusted(left, 0, -4, 0)
            align = Qt.AlignmentFlag.AlignVCenter | (
                Qt.AlignmentFlag.AlignHCenter if link else Qt.AlignmentFlag.AlignLeft
            )
            if link:
                text, wrap = fit_link(text, QFontMetrics(font), inner.width(), inner.height())
                if wrap:
                    align |= Qt.AlignmentFlag.AlignHCenter
                painter.drawText(inner, int(align) | wrap, text)
            else:
                elided = QFontMetrics(font).elidedText(
                    text, Qt.TextElideMode.ElideRight, inner.width()
                )
                painter.drawText(inner, align, elided)
            painter.restore()
        if selected:
            painter.save()
            painter.setPen(QPen(QColor("#1d4ed8"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(rect).adjusted(1, 1, -1, -1))
            painter.restore()
        painter.save()
        painter.setPen(QColor("#d1d5db"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.drawLine(rect.topRight(), rect.bottomRight())
        painter.restore()
