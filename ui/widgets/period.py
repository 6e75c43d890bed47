"""Choosing a reporting period: month, half-year or year, limited to the periods a kind allows."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from kpdesk.draft import Period
from kpdesk.errors import DraftError
from kpdesk.vocab import PERIOD_CHOICES, PERIOD_TYPES
from ui.widgets.common import wheel_needs_focus


class PeriodPicker(QWidget):
    """Type (when the kind allows several), month or half, and year; `changed` fires with the new Period."""

    changed = Signal(object)

    def __init__(self, types: tuple[str, ...] = PERIOD_TYPES, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.type_combo = QComboBox(self)
        self.type_combo.setAccessibleName("Loại kỳ báo cáo")
        for t in types:
            self.type_combo.addItem(PERIOD_CHOICES[t], t)
        self.type_combo.setVisible(len(types) > 1)
        self.month = QComboBox(self)
        self.month.setAccessibleName("Tháng báo cáo")
        for m in range(1, 13):
            self.month.addItem(f"Tháng {m}", m)
        self.half = QComboBox(self)
        self.half.setAccessibleName("Nửa năm báo cáo")
        self.half.addItem("6 tháng đầu năm", 1)
        self.half.addItem("6 tháng cuối năm", 2)
        self.year_label = QLabel("năm", self)
        self.year = QSpinBox(self)
        self.year.setAccessibleName("Năm báo cáo")
        self.year.setRange(1990, 2200)
        self.year.setValue(dt.date.today().year)
        self.year.setGroupSeparatorShown(False)
        wheel_needs_focus(self.type_combo, self.month, self.half, self.year)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        for w in (self.type_combo, self.month, self.half, self.year_label, self.year):
            box.addWidget(w)
        box.addStretch(1)
        self._loading = False
        for combo in (self.type_combo, self.month, self.half):
            combo.currentIndexChanged.connect(self._emit)
        self.year.valueChanged.connect(self._emit)
        self._show_parts()

    def first_widget(self) -> QWidget:
        return self.type_combo if self.type_combo.isVisible() or self.type_combo.count() > 1 else self.month

    def period_type(self) -> str:
        return self.type_combo.currentData() or "month"

    def period(self) -> Period | None:
        """Return the chosen period, or None when the core refuses it."""
        try:
            return self._build()
        except DraftError:
            return None

    def _build(self) -> Period:
        t = self.period_type()
        return Period(
            t,
            self.year.value(),
            month=self.month.currentData() if t == "month" else None,
            half=self.half.currentData() if t == "half" else None,
        )

    def set_period(self, period: Period) -> None:
        self._loading = True
        try:
            index = self.type_combo.findData(period.type)
            if index < 0:
                self.type_combo.addItem(PERIOD_CHOICES[period.type], period.type)
                index = self.type_combo.count() - 1
            self.type_combo.setCurrentIndex(index)
            if period.month:
                self.month.setCurrentIndex(period.month - 1)
            if period.half:
                self.half.setCurrentIndex(period.half - 1)
            self.year.setValue(period.year)
            self._show_parts()
        finally:
            self._loading = False

    def _show_parts(self) -> None:
        t = self.period_type()
        self.month.setVisible(t == "month")
        self.half.setVisible(t == "half")

    def _emit(self, *_: object) -> None:
        self._show_parts()
        if not self._loading:
            self.changed.emit(self.period())
