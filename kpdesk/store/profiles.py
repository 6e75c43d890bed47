"""Unit profiles: the unit and its signers, entered once and reused by every report; their rules and their table."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NewType

from kpdesk.errors import DraftError, FormatError, KpdeskError, NotFound, ProfileError, StoreError
from kpdesk.kinds import kind_of
from kpdesk.store.database import Database, now_stamp
from kpdesk.store.search import fold
from kpdesk.text import clean_line
from kpdesk.vocab import unit_full_name

if TYPE_CHECKING:  # `kpdesk.draft` is imported where a draft's parts are made (see kpdesk/store/drafts.py)
    from kpdesk.draft import Draft, Signer, Unit
    from kpdesk.kinds import Kind

UnitId = NewType("UnitId", int)

HONORIFICS = ("ông", "bà")
#: Whose profile it is: a commune or ward that makes reports, or the department that receives them.
COMMUNE, DEPARTMENT = "commune", "department"
ROLES = (COMMUNE, DEPARTMENT)


@dataclass(frozen=True)
class SignerProfile:
    """A person who may sign for the unit: the draft's `Signer` (name first) and whether it is the default one."""

    name: str
    position: str = ""
    authority: tuple[str, ...] = ()
    is_default: bool = False

    def to_signer(self) -> Signer:
        from kpdesk import draft as drafts

        return drafts.Signer(authority=tuple(self.authority), position=self.position, name=self.name)

    @classmethod
    def from_signer(cls, signer: Signer, is_default: bool = False) -> SignerProfile:
        return cls(signer.name, signer.position, tuple(signer.authority), is_default)


@dataclass(frozen=True)
class UnitProfile:
    """The unit's profile, entered once and reused by every report; `id` is None until saved."""

    id: UnitId | None = None
    name: str = ""
    level: str = "xã"
    province: str = ""
    province_level: str = "tỉnh"
    superior: str = ""
    agency: tuple[str, ...] = ()
    place: str = ""
    office_symbol: str = ""
    contact_honorific: str = ""
    contact_name: str = ""
    contact_position: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    signers: tuple[SignerProfile, ...] = ()
    default_recipients: tuple[str, ...] = ()
    default_to: tuple[str, ...] = ()
    agency_symbol: str = ""  # the issuing agency in document numbers ("" = "UBND"; "SKHCN")
    report_kinds: tuple[str, ...] = ()  # the kinds the unit makes, ticked once: its home lists what is due
    role: str = COMMUNE  # COMMUNE: a commune or ward that reports; DEPARTMENT: the department

    def to_unit(self) -> Unit:
        from kpdesk import draft as drafts

        return drafts.Unit(
            name=self.name,
            level=self.level,
            province=self.province,
            province_level=self.province_level,
            superior=self.superior,
            agency=tuple(self.agency),
            place=self.place,
            office_symbol=self.office_symbol,
            agency_symbol=self.agency_symbol,
        )

    @property
    def full_name(self) -> str:
        """The unit's name with its level ("xã Thiệu Trung"), as a draft's unit says it (`vocab.unit_full_name`)."""
        return unit_full_name(self.level, self.name)

    @property
    def default_signer(self) -> SignerProfile | None:
        for s in self.signers:
            if s.is_default:
                return s
        return self.signers[0] if self.signers else None

    def prefill_value(self, name: str) -> str:
        """Return the profile value a kind field names with `prefill` ("contact.name", "unit.place"…), or ""."""
        group, _, key = name.partition(".")
        attr = {"contact": f"contact_{key}", "unit": key}.get(group)
        value = getattr(self, attr, "") if attr and attr in _PROFILE_TEXT else ""
        return value if isinstance(value, str) else ""


_PROFILE_TEXT = {
    "name",
    "level",
    "province",
    "province_level",
    "superior",
    "place",
    "office_symbol",
    "agency_symbol",
    "contact_honorific",
    "contact_name",
    "contact_position",
    "contact_phone",
    "contact_email",
}


# ---------------------------------------------------------------------------- rules


def prefill(kind: Kind, profile: UnitProfile) -> dict[str, Any]:
    """The values of a new draft's fields marked `prefill`, taken from the profile (unreadable ones left out)."""
    from kpdesk import draft as drafts

    values: dict[str, Any] = {}
    for f in kind.fields:
        raw = profile.prefill_value(f.prefill) if f.prefill else ""
        if not raw:
            continue
        try:
            value = drafts.value_from_json(f, raw)
        except DraftError:
            continue
        if not drafts.is_empty(value):
            values[f.id] = value
    return values


def clean_profile(p: UnitProfile) -> UnitProfile:
    """The profile as it is stored (clean lines, phone digits, one default signer); `ProfileError` names what to
    correct."""
    from kpdesk import vn  # the phone, e-mail and symbol rules: when a profile is saved, not at the window's start

    line = clean_line
    name = line(p.name or "")
    if not name and p.role == DEPARTMENT:
        raise ProfileError("Chưa nhập tên cơ quan (ô «Tên cơ quan»), ví dụ «Sở Khoa học và Công nghệ».", "name")
    if not name:
        raise ProfileError("Chưa nhập tên đơn vị (ô «Tên xã/phường»), ví dụ «Thiệu Trung».", "name")
    honorific = line(p.contact_honorific or "").lower()
    if honorific not in ("", *HONORIFICS):
        raise ProfileError("Danh xưng người liên hệ phải là «ông» hoặc «bà».", "contact_honorific")
    phone = line(p.contact_phone or "")
    if phone:
        try:
            phone = vn.parse_phone(phone).digits
        except FormatError as exc:
            raise ProfileError(f"Số điện thoại người liên hệ: {exc.message}", "contact_phone") from None
    email = line(p.contact_email or "")
    if email:
        try:
            email = vn.parse_email(email)
        except FormatError as exc:
            raise ProfileError(f"Thư điện tử người liên hệ: {exc.message}", "contact_email") from None
    signers = []
    for i, s in enumerate(p.signers, 1):
        if not line(s.name or ""):
            raise ProfileError(f"Người ký thứ {i} chưa có họ tên.", "signers")
        signers.append(
            SignerProfile(
                line(s.name),
                line(s.position or ""),
                tuple(x for x in (line(a) for a in s.authority) if x),
                bool(s.is_default),
            )
        )
    defaults = sum(s.is_default for s in signers)
    if defaults > 1:
        raise ProfileError("Chỉ được chọn một người ký mặc định.", "signers")
    if signers and not defaults:
        signers[0] = replace(signers[0], is_default=True)

    def lines(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(x for x in (line(i) for i in items) if x)

    if p.role not in ROLES:
        raise ProfileError(f"Vai trò đơn vị «{p.role}» không hợp lệ; dùng: {', '.join(ROLES)}.", "role")
    symbol = line(p.agency_symbol or "").upper()
    if symbol and not vn.is_valid_doc_code(f"1/{symbol}"):
        raise ProfileError(f"Ký hiệu cơ quan «{symbol}» chỉ gồm chữ in hoa và chữ số, ví dụ «SKHCN».", "agency_symbol")
    kinds = tuple(dict.fromkeys(k for k in (line(k) for k in p.report_kinds) if k))
    level = line(p.level or "") or ("" if p.role == DEPARTMENT else "xã")  # a department has no level: "Sở …"
    return replace(
        p,
        name=name,
        level=level,
        province=line(p.province or ""),
        province_level=line(p.province_level or "") or "tỉnh",
        superior=line(p.superior or ""),
        agency=lines(p.agency),
        place=line(p.place or ""),
        office_symbol=line(p.office_symbol or "").upper(),
        contact_honorific=honorific,
        contact_name=line(p.contact_name or ""),
        contact_position=line(p.contact_position or ""),
        contact_phone=phone,
        contact_email=email,
        signers=tuple(signers),
        default_recipients=lines(p.default_recipients),
        default_to=lines(p.default_to),
        agency_symbol=symbol,
        report_kinds=kinds,
    )


def profile_from_draft(d: Draft) -> UnitProfile:
    """A unit profile made from an imported draft: its unit, signer, recipients and contact values."""
    from kpdesk import vn  # a draft's module imports it already

    contact: dict[str, str] = {}
    try:
        kind = kind_of(d)
        for f in kind.fields:
            if f.prefill and f.prefill.startswith("contact.") and isinstance(d.values.get(f.id), str):
                contact[f"contact_{f.prefill.split('.', 1)[1]}"] = d.values[f.id]
    except KpdeskError:
        pass
    if contact.get("contact_phone"):
        try:
            vn.parse_phone(contact["contact_phone"])
        except FormatError:
            contact.pop("contact_phone")
    if contact.get("contact_email"):
        try:
            vn.parse_email(contact["contact_email"])
        except FormatError:
            contact.pop("contact_email")
    if contact.get("contact_honorific", "").lower() not in HONORIFICS:
        contact.pop("contact_honorific", None)
    u = d.unit
    signers = (SignerProfile.from_signer(d.signer, is_default=True),) if d.signer.name else ()
    return UnitProfile(
        name=u.name,
        level=u.level,
        province=u.province,
        province_level=u.province_level,
        superior=u.superior,
        agency=u.agency,
        place=u.place,
        office_symbol=u.office_symbol,
        agency_symbol=u.agency_symbol,
        report_kinds=(d.kind,),
        contact_honorific=contact.get("contact_honorific", ""),
        contact_name=contact.get("contact_name", ""),
        contact_position=contact.get("contact_position", ""),
        contact_phone=contact.get("contact_phone", ""),
        contact_email=contact.get("contact_email", ""),
        signers=signers,
        default_recipients=d.recipients,
        default_to=d.to,
    )


# ---------------------------------------------------------------------------- the units and signers tables


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _read_unit(c: sqlite3.Connection, unit_id: int) -> UnitProfile:
    row = c.execute(
        "SELECT id, name, level, province, province_level, superior, agency, place, office_symbol, "
        "contact_honorific, contact_name, contact_position, contact_phone, contact_email, "
        "default_recipients, default_to, agency_symbol, report_kinds, role FROM units WHERE id = ?",
        (unit_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"Không có đơn vị số {unit_id}. Xem danh sách đơn vị bằng lệnh: kpdesk units")
    signers = tuple(
        SignerProfile(name, position, tuple(json.loads(authority)), bool(is_default))
        for name, position, authority, is_default in c.execute(
            "SELECT name, position, authority, is_default FROM signers WHERE unit_id = ? ORDER BY ord, id", (unit_id,)
        )
    )
    return UnitProfile(
        id=UnitId(row[0]),
        name=row[1],
        level=row[2],
        province=row[3],
        province_level=row[4],
        superior=row[5],
        agency=tuple(json.loads(row[6])),
        place=row[7],
        office_symbol=row[8],
        contact_honorific=row[9],
        contact_name=row[10],
        contact_position=row[11],
        contact_phone=row[12],
        contact_email=row[13],
        signers=signers,
        default_recipients=tuple(json.loads(row[14])),
        default_to=tuple(json.loads(row[15])),
        agency_symbol=row[16],
        report_kinds=tuple(json.loads(row[17])),
        role=row[18],
    )


def load_units(db: Database, role: str = COMMUNE) -> list[UnitProfile]:
    """The profiles of one role (the communes this PC writes for, by default), by name."""
    with db.snapshot() as c:
        ids = [r[0] for r in c.execute("SELECT id FROM units WHERE role = ? ORDER BY name COLLATE NOCASE, id", (role,))]
        return [_read_unit(c, i) for i in ids]


def chosen_unit(db: Database, chosen: object = None, role: str = COMMUNE) -> UnitProfile | None:
    """The profile of `role` whose id is `chosen` (a number, or its text as settings keep it), else the first entered
    (the smallest id); None when there is none. Reads that one profile, however many units the PC holds."""
    with db.snapshot() as c:
        ids = [r[0] for r in c.execute("SELECT id FROM units WHERE role = ?", (role,))]
        if not ids:
            return None
        picked = next((i for i in ids if str(i) == str(chosen)), min(ids))
        return _read_unit(c, picked)


def load_unit(db: Database, unit_id: int) -> UnitProfile:
    with db.snapshot() as c:
        return _read_unit(c, unit_id)


def save_unit(db: Database, profile: UnitProfile) -> UnitId:
    """Insert (id None) or update a unit profile with its signers; refuse a missing name or a bad phone or e-mail."""
    p = clean_profile(profile)
    now = now_stamp()
    cols = {
        "name": p.name,
        "level": p.level,
        "province": p.province,
        "province_level": p.province_level,
        "superior": p.superior,
        "agency": _dump(list(p.agency)),
        "place": p.place,
        "office_symbol": p.office_symbol,
        "contact_honorific": p.contact_honorific,
        "contact_name": p.contact_name,
        "contact_position": p.contact_position,
        "contact_phone": p.contact_phone,
        "contact_email": p.contact_email,
        "default_recipients": _dump(list(p.default_recipients)),
        "default_to": _dump(list(p.default_to)),
        "agency_symbol": p.agency_symbol,
        "report_kinds": _dump(list(p.report_kinds)),
        "role": p.role,
        "updated": now,
    }
    with db.tx() as c:
        if p.id is None:
            cols["created"] = now
            cur = c.execute(
                f"INSERT INTO units ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", tuple(cols.values())
            )
            assert cur.lastrowid is not None
            unit_id = UnitId(cur.lastrowid)
        else:
            unit_id = p.id
            cur = c.execute(
                f"UPDATE units SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?", (*cols.values(), unit_id)
            )
            if cur.rowcount == 0:
                raise NotFound(f"Không có đơn vị số {unit_id} để cập nhật.")
            c.execute("DELETE FROM signers WHERE unit_id = ?", (unit_id,))
        for i, s in enumerate(p.signers):
            c.execute(
                "INSERT INTO signers (unit_id, ord, name, position, authority, is_default) VALUES (?, ?, ?, ?, ?, ?)",
                (unit_id, i, s.name, s.position, _dump(list(s.authority)), int(s.is_default)),
            )
    return unit_id


def unit_for_draft(db: Database, d: Draft) -> UnitId:
    """The profile matching the draft's unit (same name, level, province), made from the draft when there is none.
    Call inside a write transaction, so that two imports cannot both make it."""
    if not d.unit.name.strip():
        raise StoreError("Bản nháp chưa ghi tên đơn vị (unit.name); hãy chọn đơn vị khi nhập bản nháp.")
    key = (fold(d.unit.name), fold(d.unit.level), fold(d.unit.province))
    with db.read() as c:
        for uid, name, level, province in c.execute(
            "SELECT id, name, level, province FROM units WHERE role = ? ORDER BY id", (COMMUNE,)
        ):
            if (fold(name), fold(level), fold(province)) == key:
                return UnitId(uid)
    return save_unit(db, profile_from_draft(d))
