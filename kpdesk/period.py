"""A reporting period: a month, a half-year or a whole year, with its dates, label and neighbours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kpdesk.errors import DraftError
from kpdesk.vocab import PERIOD_TYPES


@dataclass(frozen=True)
class Period:
    """A reporting period: a month, a half-year (half 1 or 2) or a whole year."""

    type: str
    year: int
    month: int | None = None
    half: int | None = None

    def __post_init__(self) -> None:
        if self.type not in PERIOD_TYPES:
            raise DraftError(f"Kỳ báo cáo «{self.type}» không hợp lệ; dùng month, half hoặc year.")
        if not 1990 <= self.year <= 2200:
            raise DraftError(f"Năm của kỳ báo cáo ({self.year}) phải từ 1990 đến 2200.")
        if self.type == "month" and not (isinstance(self.month, int) and 1 <= self.month <= 12):
            raise DraftError("Kỳ báo cáo tháng cần tháng từ 1 đến 12.")
        if self.type == "half" and self.half not in (1, 2):
            raise DraftError("Kỳ báo cáo 6 tháng cần ghi 6 tháng đầu năm (1) hoặc cuối năm (2).")

    @property
    def label(self) -> str:
        """Return the period as prose: "tháng 4 năm 2026", "6 tháng đầu năm 2022", "năm 2026"."""
        if self.type == "month":
            return f"tháng {self.month} năm {self.year}"
        if self.type == "half":
            return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year}"
        return f"năm {self.year}"

    @property
    def code(self) -> str:
        """Return a short code for file names: "T04-2026", "6T1-2022", "N2026"."""
        if self.type == "month":
            return f"T{self.month:02d}-{self.year}"
        if self.type == "half":
            return f"6T{self.half}-{self.year}"
        return f"N{self.year}"

    @property
    def start(self) -> dt.date:
        if self.type == "month":
            return dt.date(self.year, self.month or 1, 1)
        if self.type == "half" and self.half == 2:
            return dt.date(self.year, 7, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.type == "month":
            month = self.month or 1
            first_of_next = dt.date(self.year + month // 12, month % 12 + 1, 1)  # `calendar` would load `locale`
            return first_of_next - dt.timedelta(days=1)
        if self.type == "half" and self.half == 1:
            return dt.date(self.year, 6, 30)
        return dt.date(self.year, 12, 31)

    def previous(self) -> Period:
        """Return the period just before this one, of the same type."""
        if self.type == "month":
            month = self.month or 1
            return Period("month", self.year - (month == 1), month=12 if month == 1 else month - 1)
        if self.type == "half":
            return Period("half", self.year - (self.half == 1), half=2 if self.half == 1 else 1)
        return Period("year", self.year - 1)

    def next(self) -> Period:
        if self.type == "month":
            month = self.month or 1
            return Period("month", self.year + (month == 12), month=1 if month == 12 else month + 1)
        if self.type == "half":
            return Period("half", self.year + (self.half == 2), half=1 if self.half == 2 else 2)
        return Period("year", self.year + 1)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "year": self.year}
        if self.type == "month":
            out["month"] = self.month
        if self.type == "half":
            out["half"] = self.half
        return out

    @classmethod
    def from_json(cls, data: Any) -> Period:
        if not isinstance(data, dict):
            raise DraftError('«period» phải là một đối tượng như {"type": "month", "year": 2026, "month": 4}.')
        for key in ("year", "month", "half"):
            value = data.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise DraftError(f"«period.{key}» phải là số nguyên.")
        year = data.get("year")
        if year is None:
            raise DraftError("«period.year» (năm của kỳ báo cáo) chưa có; hãy ghi năm, ví dụ 2026.")
        return cls(str(data.get("type")), year, data.get("month"), data.get("half"))

    @classmethod
    def containing(cls, period_type: str, day: dt.date) -> Period:
        """Return the period of `period_type` ("month", "half" or "year") that contains `day`."""
        if period_type == "month":
            return cls("month", day.year, month=day.month)
        if period_type == "half":
            return cls("half", day.year, half=1 if day.month <= 6 else 2)
        return cls(period_type, day.year)
