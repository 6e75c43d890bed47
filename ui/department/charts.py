"""The department's charts drawn with QPainter from the core's plain data: on screen, as PNG and in the notice.

Why over 600 lines: the four charts are painted by hand with QPainter (QtCharts is GPL-only and large); they share the
canvas, axes, legend and number formats of this module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QGuiApplication, QImage, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kpdesk import vn
from kpdesk.department.consolidate import (
    AMOUNT,
    STATE_NAMES,
    Consolidation,
    CumulativeChart,
    OptionChart,
    RateChart,
    StatusChart,
    consolidate,
    cumulative_chart,
    option_charts,
    period_label,
    rate_charts,
    status_chart,
)
from kpdesk.department.records import Records
from kpdesk.department.status import LATE, MISSING, STATES
from kpdesk.draft import Period
from kpdesk.files import write_atomic
from kpdesk.kinds import Kind
from kpdesk.render.frame import Appendix, Figure
from ui import dialogs, operations
from ui.widgets.common import set_text_colour

#: The size (pixels) of a chart saved as PNG or put in the notice: 16:9, sharp when printed 16,5 cm wide.
PNG_SIZE = (1600, 900)
#: How many periods the status chart shows, ending with the period chosen.
TREND_PERIODS = 12
#: How many units each end of a rate chart shows.
RANKED = 10
FONT_FAMILY = "Times New Roman"

STATE_COLORS = {
    "on_time": "#2E7D32",
    "late": "#EF8F00",
    "missing": "#C62828",
    "returned": "#6A1B9A",
    "accepted": "#1565C0",
}
DEN_COLOR, NUM_COLOR = "#A5C8E4", "#1F5F99"
OPTION_COLORS = ("#1F77B4", "#FF7F0E", "#2CA02C", "#9467BD", "#8C564B", "#E377C2", "#17BECF", "#BCBD22")
UNANSWERED_COLOR, MISSING_COLOR = "#9E9E9E", "#E0E0E0"
INK, GRID, MUTED = QColor("#1A1A1A"), QColor("#D0D0D0"), QColor("#555555")


# ----------------------------------------------------------------------------- drawing helpers


class _Canvas:
    """A painter over a rectangle, with type sizes that follow the rectangle's height (the same chart reads the same
    in a window and on a 1600×900 picture) and a record of every text drawn (what the chart says, in words)."""

    def __init__(self, painter: QPainter, rect: QRectF, texts: list[str]) -> None:
        self.p = painter
        self.rect = rect
        self.texts = texts
        self.unit = max(10.0, min(26.0, rect.height() / 36))

    def font(self, scale: float = 1.0, *, bold: bool = False) -> QFont:
        font = QFont(FONT_FAMILY)
        font.setPixelSize(max(8, round(self.unit * scale)))
        font.setBold(bold)
        return font

    def text(
        self,
        rect: QRectF,
        text: str,
        *,
        scale: float = 1.0,
        bold: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        color: QColor = INK,
        elide: bool = True,
    ) -> None:
        font = self.font(scale, bold=bold)
        self.p.setFont(font)
        self.p.setPen(color)
        shown = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width()) if elide else text
        flags = align if elide else align | Qt.TextFlag.TextWordWrap
        self.p.drawText(rect, flags, shown)
        self.texts.append(text)

    def width(self, text: str, scale: float = 1.0, *, bold: bool = False) -> float:
        return QFontMetricsF(self.font(scale, bold=bold)).horizontalAdvance(text)

    def title(self, text: str, subtitle: str = "") -> QRectF:
        """Draw the title (and a line under it); return the rectangle left for the chart."""
        r = self.rect
        height = self.unit * 2.0
        self.text(
            QRectF(r.left(), r.top(), r.width(), height),
            text,
            scale=1.3,
            bold=True,
            align=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
        )
        top = r.top() + height
        if subtitle:
            self.text(
                QRectF(r.left(), top, r.width(), self.unit * 1.5),
                subtitle,
                scale=0.95,
                color=MUTED,
                align=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
            )
            top += self.unit * 1.6
        return QRectF(r.left(), top + self.unit * 0.4, r.width(), r.bottom() - top - self.unit * 0.4)

    def legend(self, rect: QRectF, items: Sequence[tuple[str, str]]) -> float:
        """Colour squares each with its name (never colour alone), in a row from the left; return its height."""
        x, y = rect.left(), rect.top()
        size = self.unit * 0.9
        for color, name in items:
            w = size * 1.4 + self.width(name, 0.95)
            if x + w > rect.right() and x > rect.left():
                x, y = rect.left(), y + self.unit * 1.5
            self.p.fillRect(QRectF(x, y + (self.unit * 1.4 - size) / 2, size, size), QColor(color))
            self.text(QRectF(x + size * 1.3, y, w, self.unit * 1.4), name, scale=0.95)
            x += w + self.unit * 1.2
        return y + self.unit * 1.5 - rect.top()

    def empty(self, rect: QRectF, text: str) -> None:
        self.text(rect, text, color=MUTED, align=Qt.AlignmentFlag.AlignCenter, elide=False)


def nice_scale(high: float, steps: int = 5) -> tuple[float, float]:
    """An axis from 0 to a round number ≥ `high` in about `steps` round steps: (top, step)."""
    if high <= 0:
        return 1.0, 0.2
    raw = high / steps
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(high / step - 1e-9), step


def _amount_axis(value: float, unit: str) -> str:
    """An amount (đồng) in the chart's money unit without the unit's name, exact: "66.587,5" (triệu)."""
    return vn.format_amount(int(round(value)), unit, with_unit=False)


def _count(value: int) -> str:
    return vn.format_int(value)


# ----------------------------------------------------------------------------- the charts


@dataclass
class Chart(ABC):
    """One chart: its key, its caption (as the notice prints it) and how it draws itself in a rectangle (each kind
    of chart its own `_draw`)."""

    key: str
    title: str
    #: Every text the last drawing put on the chart, in order (a test, or a screen reader, reads the chart by it).
    texts: list[str] = field(default_factory=list, repr=False)

    def png_size(self) -> tuple[int, int]:
        """The picture's size in pixels when saved or put in the notice."""
        return PNG_SIZE

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        self.texts = []
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.fillRect(rect, QColor("white"))
        self._draw(_Canvas(painter, rect.adjusted(12, 8, -12, -8), self.texts))
        painter.restore()

    @abstractmethod
    def _draw(self, c: _Canvas) -> None:
        """Draw the chart on `c` (its texts go through `c`, so `texts` lists them)."""


@dataclass
class StatusPainter(Chart):
    """Submission status: the units in each state over the recent periods (stacked columns, the counts written in
    them), and the units late or missing in the last period, most days first."""

    data: StatusChart | None = None

    def _draw(self, c: _Canvas) -> None:
        data = self.data
        assert data is not None
        last = data.points[-1] if data.points else None
        sent = (last.expected - last.counts[MISSING]) if last else 0
        subtitle = (
            (
                f"{period_label(last.period)}: {sent}/{last.expected} đơn vị đã gửi, "
                f"{last.counts[LATE]} gửi muộn, {last.counts[MISSING]} chưa gửi"
            )
            if last
            else ""
        )
        area = c.title(f"Tình hình gửi báo cáo {data.kind_name}", subtitle)
        left = QRectF(area.left(), area.top(), area.width() * 0.6, area.height())
        right = QRectF(left.right() + c.unit, area.top(), area.width() - left.width() - c.unit, area.height())
        shown = [s for s in STATES if any(p.counts[s] for p in data.points)] or list(STATES[:3])
        top = left.top() + c.legend(left, [(STATE_COLORS[s], STATE_NAMES[s]) for s in shown]) + c.unit * 0.5
        plot = QRectF(left.left() + c.unit * 2.6, top, left.width() - c.unit * 2.8, left.bottom() - top - c.unit * 2)
        high, step = nice_scale(max((p.expected for p in data.points), default=1))
        self._axis(c, plot, high, step)
        n = max(len(data.points), 1)
        slot = plot.width() / n
        bar = min(slot * 0.7, c.unit * 4)
        for i, point in enumerate(data.points):
            x = plot.left() + slot * i + (slot - bar) / 2
            y = plot.bottom()
            for state in shown:
                count = point.counts[state]
                if not count:
                    continue
                h = plot.height() * count / high
                c.p.fillRect(QRectF(x, y - h, bar, h), QColor(STATE_COLORS[state]))
                if h >= c.unit * 1.1:
                    c.text(
                        QRectF(x, y - h, bar, h),
                        _count(count),
                        scale=0.85,
                        color=QColor("white"),
                        bold=True,
                        align=Qt.AlignmentFlag.AlignCenter,
                    )
                y -= h
            c.text(
                QRectF(plot.left() + slot * i, plot.bottom() + c.unit * 0.2, slot, c.unit * 1.6),
                point.label,
                scale=0.8 if n > 6 else 0.95,
                bold=i == n - 1,
                align=Qt.AlignmentFlag.AlignHCenter,
            )
        self._late(c, right, last.period if last else None)

    def _axis(self, c: _Canvas, plot: QRectF, high: float, step: float) -> None:
        c.p.setPen(QPen(GRID, 1))
        value = 0.0
        while value <= high + 1e-9:
            y = plot.bottom() - plot.height() * value / high
            c.p.setPen(QPen(GRID, 1))
            c.p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            c.text(
                QRectF(plot.left() - c.unit * 2.6, y - c.unit * 0.7, c.unit * 2.4, c.unit * 1.4),
                _count(round(value)),
                scale=0.85,
                color=MUTED,
                align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            )
            value += step

    def _late(self, c: _Canvas, rect: QRectF, period: Period | None) -> None:
        data = self.data
        assert data is not None
        label = period_label(period) if period else ""
        c.text(QRectF(rect.left(), rect.top(), rect.width(), c.unit * 1.6), f"Gửi muộn, chưa gửi — {label}", bold=True)
        top = rect.top() + c.unit * 2
        if not data.late:
            c.empty(QRectF(rect.left(), top, rect.width(), rect.height() - c.unit * 2), "Mọi đơn vị đã gửi đúng hạn.")
            return
        row = c.unit * 1.45
        fits = max(1, int((rect.bottom() - top) / row) - 1)
        shown = data.late[:fits]
        most = max((u.days for u in shown), default=0) or 1
        name_w, bar_w = rect.width() * 0.36, rect.width() * 0.18
        words_x = rect.left() + name_w + bar_w + c.unit * 0.4
        for i, u in enumerate(shown):
            y = top + row * i
            c.text(QRectF(rect.left(), y, name_w - c.unit * 0.3, row), u.name, scale=0.9)
            color = STATE_COLORS[u.state]
            if u.days:
                c.p.fillRect(
                    QRectF(rect.left() + name_w, y + row * 0.2, bar_w * u.days / most, row * 0.6), QColor(color)
                )
            words = (
                ("chưa gửi" + (f", quá hạn {u.days} ngày" if u.days else ""))
                if u.state == MISSING
                else f"muộn {u.days} ngày"
            )
            c.text(QRectF(words_x, y, rect.right() - words_x, row), words, scale=0.85, color=QColor(color))
        if len(data.late) > len(shown):
            c.text(
                QRectF(rect.left(), top + row * len(shown), rect.width(), row),
                f"… và {len(data.late) - len(shown)} đơn vị khác (xem bảng «Tình hình gửi báo cáo»)",
                scale=0.85,
                color=MUTED,
            )


@dataclass
class RatePainter(Chart):
    """A rate unit by unit: the denominator's bar (allocated) with the numerator's inside it (disbursed) and the
    rate, for the units with the highest rates and those with the lowest."""

    data: RateChart | None = None

    def _draw(self, c: _Canvas) -> None:
        data = self.data
        assert data is not None
        total = (
            f"Chung: {vn.format_percent(data.total_rate)} ({_count(len(data.pairs))} đơn vị có đủ số liệu"
            f"{', ' + _count(data.missing) + ' đơn vị không có' if data.missing else ''})"
            if data.total_rate is not None
            else "Chưa có đơn vị nào ghi đủ hai số"
        )
        area = c.title(f"{data.rate_label} theo đơn vị", total)
        money = vn.UNIT_LABELS.get(data.money_unit, "đồng") if data.type == AMOUNT else ""
        legend = [
            (DEN_COLOR, data.den_label + (f" ({money})" if money else "")),
            (NUM_COLOR, data.num_label + (f" ({money})" if money else "")),
        ]
        top = area.top() + c.legend(area, legend) + c.unit * 0.3
        body = QRectF(area.left(), top, area.width(), area.bottom() - top)
        if not data.pairs:
            c.empty(body, "Chưa có đơn vị nào ghi đủ hai số để tính tỷ lệ.")
            return
        top_units, bottom_units = data.top(RANKED), data.bottom(RANKED)
        halves = [(f"{len(top_units)} đơn vị có tỷ lệ cao nhất", top_units)]
        if bottom_units:
            halves.append((f"{len(bottom_units)} đơn vị có tỷ lệ thấp nhất", bottom_units))
        width = (body.width() - c.unit * (len(halves) - 1)) / len(halves)
        high = max(float(max(p.den, p.num)) for p in (*top_units, *bottom_units))
        for i, (heading, pairs) in enumerate(halves):
            self._half(
                c, QRectF(body.left() + i * (width + c.unit), body.top(), width, body.height()), heading, pairs, high
            )

    def _half(self, c: _Canvas, rect: QRectF, heading: str, pairs: Sequence[Any], high: float) -> None:
        data = self.data
        assert data is not None
        c.text(QRectF(rect.left(), rect.top(), rect.width(), c.unit * 1.5), heading, bold=True)
        top = rect.top() + c.unit * 1.8
        axis_h = c.unit * 1.5
        row = min(c.unit * 2.6, (rect.bottom() - top - axis_h) / max(len(pairs), 1))
        name_w = rect.width() * 0.32
        rate_w = c.unit * 4.2
        plot_l, plot_r = rect.left() + name_w, rect.right() - rate_w
        scale_top, step = nice_scale(high, 4)
        bottom = top + row * len(pairs)
        value = 0.0
        while value <= scale_top + 1e-9:
            x = plot_l + (plot_r - plot_l) * value / scale_top
            c.p.setPen(QPen(GRID, 1))
            c.p.drawLine(QPointF(x, top), QPointF(x, bottom))
            shown = _amount_axis(value, data.money_unit) if data.type == AMOUNT else _count(round(value))
            c.text(
                QRectF(x - c.unit * 3, bottom + c.unit * 0.1, c.unit * 6, axis_h),
                shown,
                scale=0.75,
                color=MUTED,
                align=Qt.AlignmentFlag.AlignHCenter,
            )
            value += step
        for i, p in enumerate(pairs):
            y = top + row * i
            c.text(QRectF(rect.left(), y, name_w - c.unit * 0.3, row), p.name, scale=0.85)
            den_w = (plot_r - plot_l) * float(p.den) / scale_top
            num_w = (plot_r - plot_l) * float(p.num) / scale_top
            c.p.fillRect(QRectF(plot_l, y + row * 0.15, den_w, row * 0.7), QColor(DEN_COLOR))
            c.p.fillRect(QRectF(plot_l, y + row * 0.3, num_w, row * 0.4), QColor(NUM_COLOR))
            c.text(
                QRectF(plot_r + c.unit * 0.2, y, rate_w - c.unit * 0.2, row),
                vn.format_percent(p.rate) if p.rate is not None else "—",
                scale=0.85,
                bold=True,
                align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            )


@dataclass
class CumulativePainter(Chart):
    """Month by month across the year: the allocated and the disbursed totals to date, and how many units each
    month's figures come from."""

    data: CumulativeChart | None = None

    def _draw(self, c: _Canvas) -> None:
        data = self.data
        assert data is not None
        money = vn.UNIT_LABELS.get(data.money_unit, "đồng")
        area = c.title(data.title, f"Đơn vị tính: {money}; dưới mỗi tháng: số đơn vị có đủ số liệu")
        top = area.top() + c.legend(area, [(DEN_COLOR, data.den_label), (NUM_COLOR, data.num_label)])
        points = data.points
        values = [float(v) for p in points for v in (p.num, p.den) if v is not None]
        plot = QRectF(
            area.left() + c.unit * 4.5, top + c.unit * 0.8, area.width() - c.unit * 6, area.bottom() - top - c.unit * 4
        )
        if not values:
            c.empty(plot, "Chưa có tháng nào có số liệu.")
            return
        high, step = nice_scale(max(values))
        value = 0.0
        while value <= high + 1e-9:
            y = plot.bottom() - plot.height() * value / high
            c.p.setPen(QPen(GRID, 1))
            c.p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            c.text(
                QRectF(plot.left() - c.unit * 4.4, y - c.unit * 0.7, c.unit * 4.2, c.unit * 1.4),
                _amount_axis(value, data.money_unit),
                scale=0.8,
                color=MUTED,
                align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            )
            value += step
        n = len(points)
        slot = plot.width() / max(n, 1)
        xs = [plot.left() + slot * (i + 0.5) for i in range(n)]
        for i, p in enumerate(points):
            c.text(
                QRectF(xs[i] - slot / 2, plot.bottom() + c.unit * 0.2, slot, c.unit * 1.4),
                f"T{p.period.month}",
                align=Qt.AlignmentFlag.AlignHCenter,
                scale=0.9,
            )
            c.text(
                QRectF(xs[i] - slot / 2, plot.bottom() + c.unit * 1.5, slot, c.unit * 1.4),
                f"{_count(p.reporting)}/{_count(p.expected)}",
                align=Qt.AlignmentFlag.AlignHCenter,
                scale=0.75,
                color=MUTED,
            )
        for color, attr, above in ((DEN_COLOR, "den", True), (NUM_COLOR, "num", False)):
            line = [
                (xs[i], plot.bottom() - plot.height() * float(getattr(p, attr)) / high)
                for i, p in enumerate(points)
                if getattr(p, attr) is not None
            ]
            c.p.setPen(QPen(QColor(color), max(2.0, c.unit / 6)))
            if len(line) > 1:
                c.p.drawPolyline(QPolygonF([QPointF(x, y) for x, y in line]))
            c.p.setBrush(QBrush(QColor(color)))
            for (x, y), p in zip(line, [p for p in points if getattr(p, attr) is not None], strict=True):
                c.p.drawEllipse(QPointF(x, y), c.unit * 0.25, c.unit * 0.25)
                label = _amount_axis(float(getattr(p, attr)), data.money_unit)
                dy = -c.unit * 1.5 if above else c.unit * 0.2
                c.text(
                    QRectF(x - slot / 2, y + dy, slot, c.unit * 1.3),
                    label,
                    scale=0.8,
                    align=Qt.AlignmentFlag.AlignHCenter,
                    color=QColor(NUM_COLOR if not above else "#3C6E91"),
                )


@dataclass
class OptionsPainter(Chart):
    """How many units chose each option, one bar per choice of the kind (each option's name and count written)."""

    data: Sequence[OptionChart] = ()

    def png_size(self) -> tuple[int, int]:
        return PNG_SIZE[0], min(PNG_SIZE[1], 160 + 240 * max(len(self.data), 1))

    def _draw(self, c: _Canvas) -> None:
        charts = list(self.data)
        area = c.title(self.title)
        if not charts:
            c.empty(area, "Mẫu báo cáo này không có câu hỏi lựa chọn.")
            return
        block = min(c.unit * 9, area.height() / len(charts))
        bar_h = max(c.unit * 1.6, min(block * 0.4, c.unit * 3))
        for i, oc in enumerate(charts):
            top = area.top() + block * i
            c.text(QRectF(area.left(), top, area.width(), c.unit * 1.5), oc.label, bold=True)
            parts = [(OPTION_COLORS[j % len(OPTION_COLORS)], label, n) for j, (label, n) in enumerate(oc.counts)]
            if oc.unanswered:
                parts.append((UNANSWERED_COLOR, "Không ghi", oc.unanswered))
            if oc.missing:
                parts.append((MISSING_COLOR, "Chưa gửi báo cáo", oc.missing))
            total = sum(n for _, _, n in parts) or 1
            bar = QRectF(area.left(), top + c.unit * 1.6, area.width(), bar_h)
            x = bar.left()
            for color, label, n in parts:
                if not n:
                    continue
                w = bar.width() * n / total
                c.p.fillRect(QRectF(x, bar.top(), w, bar.height()), QColor(color))
                inside = f"{label}: {_count(n)}"
                ink = QColor("white") if color not in (MISSING_COLOR, UNANSWERED_COLOR) else INK
                if c.width(inside, 0.85) < w - c.unit * 0.4:
                    c.text(
                        QRectF(x, bar.top(), w, bar.height()),
                        inside,
                        scale=0.85,
                        color=ink,
                        align=Qt.AlignmentFlag.AlignCenter,
                    )
                elif c.width(_count(n), 0.85) < w:
                    c.text(
                        QRectF(x, bar.top(), w, bar.height()),
                        _count(n),
                        scale=0.85,
                        color=ink,
                        align=Qt.AlignmentFlag.AlignCenter,
                    )
                x += w
            c.legend(
                QRectF(area.left(), bar.bottom() + c.unit * 0.3, area.width(), c.unit * 1.5),
                [(color, f"{label} {_count(n)}") for color, label, n in parts],
            )


# ----------------------------------------------------------------------------- the data and the charts


@dataclass
class ChartData:
    """Everything the department's charts of a kind and period draw, shaped by the core."""

    kind: Kind
    period: Period
    status: StatusChart
    rates: list[RateChart]
    cumulative: CumulativeChart | None
    options: list[OptionChart]

    @classmethod
    def load(
        cls,
        records: Records,
        kind: Kind,
        period: Period,
        *,
        today: dt.date | None = None,
        cons: Consolidation | None = None,
    ) -> ChartData:
        cons = cons or consolidate(records, kind, period, today=today)
        trend = status_chart(records, kind, _periods_up_to(period, TREND_PERIODS), today=today)
        # the trend starts with the first period anything was received for: before it, every unit is "missing"
        first = next((i for i, p in enumerate(trend.points) if p.counts[MISSING] < p.expected), len(trend.points) - 1)
        trend = dataclasses.replace(trend, points=trend.points[first:])
        return cls(
            kind,
            period,
            trend,
            rate_charts(cons),
            cumulative_chart(records, kind, period, today=today),
            option_charts(cons),
        )

    def charts(self) -> list[Chart]:
        """The charts in the order the panel and the notice show them."""
        out: list[Chart] = [StatusPainter("status", f"Tình hình gửi báo cáo {self.period.label}", data=self.status)]
        out += [RatePainter(f"rate:{r.id}", f"{r.rate_label} theo đơn vị", data=r) for r in self.rates]
        if self.cumulative is not None and any(p.num is not None for p in self.cumulative.points):
            out.append(CumulativePainter("cumulative", self.cumulative.title, data=self.cumulative))
        if self.options:
            title = "Số đơn vị theo " + ", ".join(o.label[:1].lower() + o.label[1:] for o in self.options)
            out.append(OptionsPainter("options", title, data=self.options))
        return out


def _periods_up_to(period: Period, count: int) -> list[Period]:
    """`count` periods of `period`'s type ending with it, oldest first."""
    out = [period]
    while len(out) < count:
        out.append(out[-1].previous())
    return out[::-1]


# ----------------------------------------------------------------------------- pictures without a window


def ensure_app() -> None:
    """Qt draws text only with an application object: the command line gets one (offscreen without a display)."""
    if QGuiApplication.instance() is not None:
        return
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("Qt chỉ khởi động được từ luồng chính")
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import ui

    ui.guard_binding()
    global _APP
    _APP = QGuiApplication([sys.argv[0] if sys.argv and sys.argv[0] else "kpdesk"])


_APP: QGuiApplication | None = None


def paint_image(chart: Chart, size: tuple[int, int] | None = None) -> QImage:
    """`chart` drawn on an image of `size` pixels (by default its own, `Chart.png_size`)."""
    size = size or chart.png_size()
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        chart.draw(painter, QRectF(0, 0, size[0], size[1]))
    finally:
        painter.end()
    return image


def png_bytes(chart: Chart, size: tuple[int, int] | None = None) -> bytes:
    """`chart` as a PNG file's bytes, drawn without a window."""
    ensure_app()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    paint_image(chart, size).save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def chart_appendix(records: Records, kind: Kind, period: Period, today: dt.date | None = None) -> Appendix:
    """The notice's appendix: each chart as a PNG with its caption ("Biểu đồ 1. …"); the chart maker the shell gives
    `kpdesk department summary --charts` (through `ui.launch`)."""
    charts = ChartData.load(records, kind, period, today=today).charts()
    figures = tuple(Figure(png_bytes(chart), f"Biểu đồ {i}. {chart.title}") for i, chart in enumerate(charts, 1))
    return Appendix(f"Biểu đồ tổng hợp báo cáo {period.label}", figures)


# ----------------------------------------------------------------------------- widgets


class ChartView(QWidget):
    """One chart, drawn to the widget's size."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.setMinimumSize(640, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(chart.title)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(1100, 560)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        try:
            self.chart.draw(painter, QRectF(self.rect()))
        finally:
            painter.end()
        self.setAccessibleDescription(" · ".join(self.chart.texts))


class ChartsPanel(QWidget):
    """The department's charts of a kind and period, one tab each, with «Lưu PNG…» under each: the window's
    «Biểu đồ» tab. `show_period(kind, period)` draws another kind or period."""

    def __init__(
        self,
        records: Records,
        kind: Kind,
        period: Period,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.records = records
        self.today = today
        self.tabs = QTabWidget(self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        set_text_colour(self.note, MUTED.name())
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.tabs, 1)
        box.addWidget(self.note)
        self.views: list[ChartView] = []
        self.show_period(kind, period)

    def show_period(self, kind: Kind, period: Period) -> None:
        self.kind, self.period = kind, period
        data = ChartData.load(self.records, kind, period, today=self.today)
        self.tabs.clear()
        self.views = []
        for chart in data.charts():
            page = QWidget(self.tabs)
            box = QVBoxLayout(page)
            view = ChartView(chart, page)
            box.addWidget(view, 1)
            row = QHBoxLayout()
            row.addStretch(1)
            save = QPushButton("&Lưu PNG…", page)
            save.setToolTip("Lưu biểu đồ thành ảnh PNG (1600 × 900 điểm ảnh) để chèn vào văn bản, trình chiếu")
            save.clicked.connect(lambda _=False, chart=chart: self.save_png(chart))
            row.addWidget(save)
            box.addLayout(row)
            self.tabs.addTab(page, _tab_name(chart))
            self.views.append(view)
        self.note.setText(
            f"{kind.short} {period.label}: số liệu từ bản mới nhất mỗi đơn vị đã gửi; đơn vị chưa gửi "
            "không được tính. Tỷ lệ chung tính lại từ tổng tử số và tổng mẫu số."
        )

    def save_png(self, chart: Chart) -> Path | None:
        """Ask where, then write `chart` as a PNG; the path written (None when cancelled)."""
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in f"{self.kind.short}-{chart.key}")
        suggested = Path.home() / f"bieu-do-{safe}-{self.period.code}.png"
        path = dialogs.save_path(self, "Lưu biểu đồ", suggested, "Ảnh PNG (*.png)")
        if path is None:
            return None
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        try:
            write_atomic(path, png_bytes(chart))
        except Exception as exc:  # noqa: BLE001 - shown to the officer, the window stays
            operations.show_error(self, exc, what="Chưa lưu được biểu đồ.")
            return None
        return path


def _tab_name(chart: Chart) -> str:
    names: dict[str, str] = {"status": "Tình hình gửi", "cumulative": "Lũy kế theo tháng", "options": "Lựa chọn"}
    if chart.key in names:
        return names[chart.key]
    return chart.title.removesuffix(" theo đơn vị")


__all__ = [
    "PNG_SIZE",
    "Chart",
    "ChartData",
    "ChartView",
    "ChartsPanel",
    "CumulativePainter",
    "OptionsPainter",
    "RatePainter",
    "StatusPainter",
    "chart_appendix",
    "ensure_app",
    "nice_scale",
    "paint_image",
    "png_bytes",
]
