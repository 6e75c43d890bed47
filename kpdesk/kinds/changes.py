"""What changes from one version of a kind to the next: sections and fields added, renamed, changed or removed."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kpdesk import vn
from kpdesk.kinds.model import FIELD_TYPES, Field, Kind
from kpdesk.period import Period
from kpdesk.vocab import FORM_NAMES, PERIOD_NAMES


@dataclass(frozen=True)
class Change:
    """One change, as the officer reads it in `text`."""

    what: str  # "section", "field" or "document"
    how: str  # "added", "removed", "renamed" or "changed"
    label: str  # the section's title or the field's label (the old one for what is removed)
    text: str


@dataclass(frozen=True)
class KindChanges:
    """Everything that changes from version `old_version` of a kind to `new_version` (None: a kind not present
    before), from which period, and `notes` on one draft's values when a draft is upgraded."""

    kind_id: str
    name: str
    old_version: int | None
    new_version: int
    applies_from: Period | None
    changes: tuple[Change, ...]
    notes: tuple[str, ...] = ()

    @property
    def headline(self) -> str:
        """ "«Báo cáo …»: phiên bản 2 → 3, áp dụng từ kỳ tháng 7 năm 2026"."""
        start = f"áp dụng từ kỳ {self.applies_from.label}" if self.applies_from else "áp dụng cho mọi kỳ báo cáo"
        if self.old_version is None:
            return f"«{self.name}»: mẫu mới (phiên bản {self.new_version}), {start}"
        return f"«{self.name}»: phiên bản {self.old_version} → {self.new_version}, {start}"

    def lines(self) -> list[str]:
        """One line per change and per note; a line saying so when nothing changes in the form."""
        lines = [c.text for c in self.changes] + list(self.notes)
        return lines or ["Các mục và trường nhập giữ nguyên."]

    def of(self, what: str, how: str) -> list[str]:
        """The labels of the changes of one sort ("field", "added"), for tests and summaries."""
        return [c.label for c in self.changes if c.what == what and c.how == how]

    def with_notes(self, notes: list[str]) -> KindChanges:
        return replace(self, notes=self.notes + tuple(notes))


def renamed_ids(new: Kind, from_version: int, ids: list[str]) -> dict[str, str | None]:
    """Where each field id written under `from_version` goes in `new` by its upgrade rules (None: removed)."""
    where: dict[str, str | None] = {i: i for i in ids}
    for upgrade in sorted(new.upgrades, key=lambda u: u.from_version):
        if upgrade.from_version < from_version:
            continue
        for old, current in where.items():
            if current is not None and current in upgrade.rename:
                where[old] = upgrade.rename[current]
        for old, current in where.items():
            if current is not None and current in upgrade.remove:
                where[old] = None
    return where


def kind_changes(old: Kind | None, new: Kind, from_version: int | None = None) -> KindChanges:
    """What changes from `old` to `new` (two versions of one kind). Without `old` (a kind not present before, or a
    version no longer on this computer: give its `from_version`), only what `new`'s upgrade rules say is known."""
    if old is None:
        changes = _from_rules(new, from_version) if from_version is not None else []
        return KindChanges(new.id, new.name, from_version, new.version, new.applies_from, tuple(changes))
    changes = _sections(old, new)
    gone_sections = {s.id for s in old.sections} - {s.id for s in new.sections}
    new_sections = {s.id for s in new.sections} - {s.id for s in old.sections}
    where = renamed_ids(new, old.version, [f.id for f in old.fields])
    present = {f.id for f in new.fields}
    reached: set[str] = set()
    for f in old.fields:
        target = where[f.id]
        if target is None or target not in present:
            if f.section not in gone_sections:
                changes.append(Change("field", "removed", f.label, f"Bỏ trường «{f.label}» (mục «{_title(old, f)}»)."))
            continue
        reached.add(target)
        change = _field_change(old, f, new, new.field(target))
        if change is not None:
            changes.append(change)
    for f in new.fields:
        if f.id not in reached and f.section not in new_sections:
            need = ", bắt buộc" if f.required else ""
            changes.append(
                Change(
                    "field",
                    "added",
                    f.label,
                    f"Thêm trường «{f.label}» ở mục «{_title(new, f)}» ({FIELD_TYPES[f.type]}{need}).",
                )
            )
    changes += _document(old, new)
    return KindChanges(new.id, new.name, old.version, new.version, new.applies_from, tuple(changes))


def _title(kind: Kind, f: Field) -> str:
    return next((s.title for s in kind.sections if s.id == f.section), f.section)


def _sections(old: Kind, new: Kind) -> list[Change]:
    before = {s.id: s for s in old.sections}
    after = {s.id: s for s in new.sections}
    out = []
    for s in new.sections:
        if s.id not in before:
            out.append(
                Change(
                    "section",
                    "added",
                    s.title,
                    f"Thêm mục «{s.title}» ({vn.format_int(len(s.fields), pad=True)} trường nhập).",
                )
            )
        elif before[s.id].title != s.title:
            out.append(Change("section", "renamed", s.title, f"Mục «{before[s.id].title}» nay là «{s.title}»."))
    for s in old.sections:
        if s.id not in after:
            out.append(Change("section", "removed", s.title, f"Bỏ mục «{s.title}»."))
    return out


def _field_change(old_kind: Kind, old: Field, new_kind: Kind, new: Field) -> Change | None:
    parts = []
    renamed = old.label != new.label
    if renamed:
        parts.append(f"nay gọi là «{new.label}»")
    if old.section != new.section and _title(old_kind, old) != _title(new_kind, new):
        parts.append(f"chuyển sang mục «{_title(new_kind, new)}»")
    if old.type != new.type:
        parts.append(f"đổi từ {FIELD_TYPES[old.type]} sang {FIELD_TYPES[new.type]}")
    if old.required != new.required:
        parts.append("nay bắt buộc" if new.required else "nay không bắt buộc")
    parts += _listed("lựa chọn", [o.label for o in old.options], [o.label for o in new.options])
    parts += _listed("cột", [c.label for c in old.columns], [c.label for c in new.columns])
    if not parts:
        return None
    how = "renamed" if renamed and len(parts) == 1 else "changed"
    return Change("field", how, new.label, f"Trường «{old.label}»: {'; '.join(parts)}.")


def _listed(what: str, before: list[str], after: list[str]) -> list[str]:
    added = [x for x in after if x not in before]
    gone = [x for x in before if x not in after]
    return ([f"thêm {what} " + ", ".join(f"«{x}»" for x in added)] if added else []) + (
        [f"bỏ {what} " + ", ".join(f"«{x}»" for x in gone)] if gone else []
    )


def _document(old: Kind, new: Kind) -> list[Change]:
    out = []
    for form in new.forms:
        if form not in old.forms:
            out.append(Change("document", "added", FORM_NAMES[form], f"Có thêm hình thức «{FORM_NAMES[form]}»."))
    for form in old.forms:
        if form not in new.forms:
            out.append(Change("document", "removed", FORM_NAMES[form], f"Bỏ hình thức «{FORM_NAMES[form]}»."))
    if set(old.periods) != set(new.periods):
        names = ", ".join(PERIOD_NAMES[p] for p in new.periods)
        out.append(Change("document", "changed", "kỳ báo cáo", f"Dùng cho kỳ: {names}."))
    if _template_text(old) != _template_text(new) or old.title != new.title or old.subject != new.subject:
        out.append(
            Change(
                "document",
                "changed",
                "văn bản",
                "Cách trình bày văn bản thay đổi (câu chữ, thứ tự hoặc bảng trong báo cáo xuất ra).",
            )
        )
    for key, day in sorted(new.deadlines.items()):
        if old.deadlines.get(key) != day:
            out.append(
                Change("document", "changed", f"hạn {key}", f"Hạn nộp báo cáo kỳ {key}: ngày {vn.format_date(day)}.")
            )
    return out


def _template_text(kind: Kind) -> dict[str, bytes]:
    """The kind's templates (every .j2 file of its folder) by name."""
    out = {}
    try:
        for path in sorted(kind.folder.glob("*.j2")):
            out[path.name] = path.read_bytes()
    except OSError:
        pass
    return out


def _from_rules(new: Kind, from_version: int) -> list[Change]:
    out = []
    for upgrade in sorted(new.upgrades, key=lambda u: u.from_version):
        if upgrade.from_version < from_version:
            continue
        for old, target in upgrade.rename.items():
            label = new.label_of(target)
            out.append(Change("field", "renamed", label, f"Trường «{old}» của mẫu cũ nay là «{label}»."))
        for gone in upgrade.remove:
            out.append(Change("field", "removed", gone, f"Bỏ trường «{gone}» của mẫu cũ."))
    return out
