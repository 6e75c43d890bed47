"""Kind packages (.kpkind): the department packs report kinds into one file, and a commune installs it safely.

Why over 600 lines: packing and installing a kind package are one file format, written and read side by side so they
cannot drift; the safety checks of an untrusted zip (sizes, paths, hashes, versions) are most of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import time
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpdesk import vn
from kpdesk.errors import KindError, KpdeskError
from kpdesk.files import read_capped
from kpdesk.kinds import (
    Field,
    Kind,
    KindChanges,
    KindVersion,
    installed_root,
    is_kind_id,
    kind_changes,
    load_kind,
    templates_dir,
)
from kpdesk.kinds.registry import ORIGIN_FILE, Registry, registry
from kpdesk.period import Period
from kpdesk.render.package import ZIP_READ_ERRORS

FORMAT = "kpdesk-kinds"
FORMAT_VERSION = 1
SUFFIX = ".kpkind"
MANIFEST = "manifest.json"
MAX_PACKAGE_BYTES = 20_000_000  # a package of a few kinds is some tens of kilobytes
MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 2_000_000  # as a template may be (template_env.MAX_TEMPLATE_BYTES)
MAX_TOTAL_BYTES = 20_000_000
MAX_KINDS = 50
#: A member of a package: "<kind id>/<file>", the file being kind.toml or a template ending in .j2.
MEMBER = re.compile(r"([a-z0-9][a-z0-9_-]{0,63})/([A-Za-z0-9][A-Za-z0-9_.-]{0,99})")
TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.j2")
SHA256 = re.compile(r"[0-9a-f]{64}")
#: Names Windows keeps for devices, whatever their extension ("con.j2" would not be a file there).
WINDOWS_DEVICES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.I)
STAGING_PREFIX = ".tmp-"
#: Attributes a template may not reach: Python's internals and frames, and methods that change a value in place
#: (Jinja's sandbox refuses them when the template runs; a package is refused for them when it is installed).
FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "mro",
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "cr_frame",
        "cr_code",
        "cr_await",
        "ag_code",
        "ag_frame",
        "f_globals",
        "f_locals",
        "f_back",
        "f_builtins",
        "f_code",
        "tb_frame",
        "tb_next",
        "func_globals",
        "func_code",
        "append",
        "extend",
        "insert",
        "pop",
        "popitem",
        "remove",
        "clear",
        "update",
        "setdefault",
        "add",
        "discard",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
        "sort",
        "reverse",
    }
)


# ---------------------------------------------------------------------------- the manifest


@dataclass(frozen=True)
class PackagedKind:
    """One kind in a package, as its manifest lists it."""

    id: str
    version: int
    applies_from: str | None
    files: dict[str, str]  # member name ("<id>/kind.toml") -> sha256


@dataclass(frozen=True)
class Manifest:
    format_version: int
    kpdesk_min: str
    publisher: str
    created: str
    kinds: tuple[PackagedKind, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "kpdesk_min": self.kpdesk_min,
            "publisher": self.publisher,
            "created": self.created,
            "kinds": [
                {"id": k.id, "version": k.version, "applies_from": k.applies_from, "files": k.files} for k in self.kinds
            ],
        }


@dataclass(frozen=True)
class Package:
    """A package read and checked: its manifest and its members (every one listed, hashed and bounded)."""

    name: str
    sha256: str
    manifest: Manifest
    members: dict[str, bytes]
    #: When the department packs it: the folder each kind comes from, so that a refusal names the file to fix.
    sources: dict[str, Path] = field(default_factory=dict)

    @property
    def packing(self) -> bool:
        return bool(self.sources)

    def fail(self, what: str) -> KindError:
        return _failure(self.name, what, self.packing)

    def folder_of(self, kind: Kind) -> str:
        """How a message names the folder `kind` was checked in: the one it is packed from, or its id."""
        return str(self.sources.get(kind.id, kind.id))

    def source_file(self, kind_id: str, file: str) -> str:
        """The file of a kind being packed, as the packer finds it (its folder and name)."""
        folder = self.sources.get(kind_id)
        return str(folder / file) if folder is not None else f"{kind_id}/{file}"

    def fix(self, kind_id: str, file: str | None = None, line: int | None = None) -> str:
        """What to do about a kind that is refused: the commune asks the department for a corrected package; the
        department, packing it, fixes the file (at its line) and packs again."""
        if not self.packing:
            return "Hãy báo Sở để sửa mẫu và gửi lại gói."
        if file is None:
            return f"Hãy sửa mẫu trong thư mục {self.sources.get(kind_id, kind_id)} rồi đóng gói lại."
        return f"Hãy sửa tệp {self.source_file(kind_id, file)}{f', dòng {line}' if line else ''} rồi đóng gói lại."


def _failure(name: str, what: str, packing: bool = False) -> KindError:
    if packing:
        return KindError(f"Chưa đóng gói «{_shown_name(name)}» (chưa ghi tệp nào): {what}")
    return KindError(f"Gói mẫu báo cáo «{_shown_name(name)}»: {what}")


def version_key(text: str) -> tuple[int, ...]:
    """ "0.10.2" → (0, 10, 2), to compare kpdesk versions (a part's leading digits count, the rest is ignored)."""
    out = []
    for part in str(text).strip().split("."):
        digits = re.match(r"\d*", part)
        out.append(int(digits.group(0)) if digits and digits.group(0) else 0)
    while len(out) > 1 and out[-1] == 0:
        out.pop()
    return tuple(out)


def _app_version() -> str:
    from kpdesk.upgrade import app_version

    return app_version()


def _shown_name(name: str) -> str:
    name = name if name.isprintable() else repr(name)[1:-1]
    return name if len(name) <= 80 else name[:80] + "…"


# ---------------------------------------------------------------------------- reading a package safely


def read_package(
    source: Path | str | bytes, name: str | None = None, *, sources: dict[str, Path] | None = None
) -> Package:
    """Read and check a .kpkind (a path or its bytes): a zip of at most `MAX_MEMBERS` plain members of bounded size,
    with safe names, no links, a manifest this kpdesk can read, and every member listed with its sha256.

    Anything else is a `KindError` in Vietnamese saying what is wrong and what to do; nothing is written.
    `sources` (when packing) are the folders the kinds come from: the messages then speak to the packer.
    """
    if isinstance(source, (bytes, bytearray)):
        data, name = bytes(source), name or "gói mẫu báo cáo"
    else:
        path = Path(source)
        name = name or path.name
        data = _read_file(path, name)

    def fail(what: str) -> KindError:
        return _failure(name, what, bool(sources))

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise fail(
            "không phải gói mẫu báo cáo (tệp .kpkind là một tệp nén zip do kpdesk tạo). Hãy chọn đúng tệp Sở gửi."
        ) from None
    with zf:
        members = _read_members(zf, fail)
    if MANIFEST not in members:
        raise fail(f"thiếu danh mục {MANIFEST}; đây không phải gói mẫu báo cáo kpdesk. Hãy chọn đúng tệp Sở gửi.")
    manifest = _read_manifest(members.pop(MANIFEST), fail)
    package = Package(name, hashlib.sha256(data).hexdigest(), manifest, members, dict(sources or {}))
    _check_listing(package)
    return package


def _read_file(path: Path, name: str) -> bytes:
    shown = _shown_name(str(path))
    try:
        if path.stat().st_size > MAX_PACKAGE_BYTES:
            raise KindError(
                f"Tệp {shown} quá lớn (hơn {MAX_PACKAGE_BYTES // 1_000_000} MB) để là một gói mẫu báo "
                "cáo; hãy chọn đúng tệp .kpkind Sở gửi."
            )
        with path.open("rb") as fh:
            data = read_capped(fh, MAX_PACKAGE_BYTES)
    except FileNotFoundError:
        raise KindError(f"Không tìm thấy tệp {shown}. Hãy kiểm tra lại đường dẫn.") from None
    except IsADirectoryError:
        raise KindError(f"{shown} là một thư mục, không phải gói mẫu báo cáo (.kpkind).") from None
    except PermissionError:
        raise KindError(f"Không có quyền đọc tệp {shown}; hãy chép tệp sang thư mục khác rồi thử lại.") from None
    except OSError as exc:
        raise KindError(f"Không đọc được tệp {shown} ({exc.strerror or exc}).") from None
    if len(data) > MAX_PACKAGE_BYTES:
        raise KindError(f"Tệp {shown} quá lớn để là một gói mẫu báo cáo; hãy chọn đúng tệp .kpkind Sở gửi.")
    return data


def _read_members(zf: zipfile.ZipFile, fail: Any) -> dict[str, bytes]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise fail(
            f"có {len(infos)} tệp bên trong, quá nhiều (tối đa {MAX_MEMBERS}); gói này không phải do kpdesk "
            "tạo hoặc đã bị sửa. Hãy xin Sở gửi lại gói."
        )
    members: dict[str, bytes] = {}
    declared = read = 0
    for info in infos:
        entry = info.filename
        shown = _shown_name(entry)
        unsafe = (
            not entry
            or entry.startswith(("/", "\\"))
            or "\\" in entry
            or "\x00" in entry
            or ":" in entry
            or any(part in ("..", ".") for part in entry.split("/"))
        )
        if unsafe:
            raise fail(
                f"có tệp với đường dẫn không an toàn («{shown}»: đường dẫn tuyệt đối, «..» hoặc ổ đĩa) nên bị "
                "từ chối. Gói mẫu chỉ chứa tệp trong thư mục của từng mẫu; hãy xin Sở gửi lại gói."
            )
        kind_bits = (info.external_attr >> 16) & 0o170000
        if kind_bits == stat.S_IFLNK:
            raise fail(f"có liên kết «{shown}» (symlink) nên bị từ chối: gói mẫu chỉ được chứa tệp thường.")
        if kind_bits not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise fail(f"có mục «{shown}» không phải tệp thường nên bị từ chối.")
        if entry.endswith("/"):
            if not is_kind_id(entry[:-1]):
                raise fail(f"có thư mục «{shown}» không phải thư mục của một mẫu báo cáo.")
            continue
        if info.flag_bits & 0x1:
            raise fail(f"tệp «{shown}» có mật khẩu; gói mẫu không được đặt mật khẩu.")
        if entry in members:
            raise fail(f"có hai tệp cùng tên «{shown}»; gói đã bị sửa. Hãy xin Sở gửi lại gói.")
        declared += max(info.file_size, 0)
        if info.file_size > MAX_MEMBER_BYTES or declared > MAX_TOTAL_BYTES:
            raise _oversized(fail, shown)
        try:
            with zf.open(info) as fh:
                content = fh.read(MAX_MEMBER_BYTES + 1)
        except ZIP_READ_ERRORS:
            raise fail(f"tệp «{shown}» bên trong bị hỏng, không giải nén được. Hãy xin Sở gửi lại gói.") from None
        read += len(content)
        if len(content) > MAX_MEMBER_BYTES or read > MAX_TOTAL_BYTES:  # sizes a member's header understated
            raise _oversized(fail, shown)
        members[entry] = content
    return members


def _oversized(fail: Any, shown: str) -> KindError:
    return fail(
        f"tệp «{shown}» bên trong quá lớn khi giải nén (tối đa {MAX_MEMBER_BYTES // 1_000_000} MB mỗi tệp, "
        f"{MAX_TOTAL_BYTES // 1_000_000} MB cả gói); gói có thể là tệp độc hại nên bị từ chối."
    )


def _read_manifest(raw: bytes, fail: Any) -> Manifest:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise fail(f"danh mục {MANIFEST} không phải JSON hợp lệ; gói bị hỏng. Hãy xin Sở gửi lại gói.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise fail(f'danh mục {MANIFEST} không phải của gói mẫu báo cáo kpdesk ("format": "{FORMAT}").')
    version, needed = data.get("format_version"), data.get("kpdesk_min")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail(f"danh mục {MANIFEST} thiếu «format_version» (số nguyên).")
    if not isinstance(needed, str) or not needed.strip() or len(needed) > 40:
        raise fail(f'danh mục {MANIFEST} thiếu «kpdesk_min» (bản kpdesk tối thiểu, ví dụ "0.2.0").')
    current = _app_version()
    if version_key(needed) > version_key(current) or version > FORMAT_VERSION:
        wanted = needed if version_key(needed) > version_key(current) else "mới nhất"
        raise fail(
            f"được làm cho kpdesk bản {_shown_name(needed)} trở lên (định dạng gói {version}); máy này đang "
            f"dùng kpdesk bản {current}. Hãy cập nhật kpdesk lên bản {_shown_name(wanted)} rồi cài lại gói."
        )
    publisher, created = data.get("publisher"), data.get("created")
    if not isinstance(publisher, str) or not vn.clean_line(publisher) or len(publisher) > 200:
        raise fail(f"danh mục {MANIFEST} thiếu «publisher» (tên Sở phát hành gói).")
    if not isinstance(created, str) or len(created) > 40:
        raise fail(f"danh mục {MANIFEST} thiếu «created» (ngày giờ tạo gói).")
    raw_kinds = data.get("kinds")
    if not isinstance(raw_kinds, list) or not raw_kinds or len(raw_kinds) > MAX_KINDS:
        raise fail(f"danh mục {MANIFEST} phải liệt kê từ 1 đến {MAX_KINDS} mẫu báo cáo trong «kinds».")
    kinds: list[PackagedKind] = []
    for i, raw in enumerate(raw_kinds, 1):
        where = f"danh mục {MANIFEST}, mẫu thứ {i}"
        if not isinstance(raw, dict):
            raise fail(f"{where} phải là một đối tượng.")
        kid, kversion, start, files = raw.get("id"), raw.get("version"), raw.get("applies_from"), raw.get("files")
        if not isinstance(kid, str) or not is_kind_id(kid):
            raise fail(f"{where} có mã «{_shown_name(str(kid))}» không hợp lệ.")
        if not isinstance(kversion, int) or isinstance(kversion, bool) or kversion < 1:
            raise fail(f"{where} («{kid}») thiếu «version» (số nguyên từ 1).")
        if start is not None and not isinstance(start, str):
            raise fail(f'{where} («{kid}»): «applies_from» phải là chuỗi như "2026-07" hoặc null.')
        if (
            not isinstance(files, dict)
            or not files
            or not all(isinstance(k, str) and isinstance(v, str) and SHA256.fullmatch(v) for k, v in files.items())
        ):
            raise fail(f"{where} («{kid}»): «files» phải liệt kê từng tệp với mã sha256 của nó.")
        if any(k.id == kid for k in kinds):
            raise fail(f"mẫu «{kid}» có hai lần trong danh mục; mỗi gói chỉ mang một phiên bản của mỗi mẫu.")
        kinds.append(PackagedKind(kid, kversion, start, dict(files)))
    return Manifest(version, needed.strip(), vn.clean_line(publisher), created, tuple(kinds))


def _check_listing(package: Package) -> None:
    """Every member is listed by the manifest under its own kind, with the right sha256, and vice versa."""
    listed: dict[str, str] = {}
    for k in package.manifest.kinds:
        for member, digest in k.files.items():
            match = MEMBER.fullmatch(member)
            if match is None or match.group(1) != k.id:
                raise package.fail(
                    f"danh mục liệt kê tệp «{_shown_name(member)}» không nằm trong thư mục «{k.id}/» "
                    "của mẫu; mỗi tệp phải nằm ngay trong thư mục của mẫu mình."
                )
            if (
                match.group(2) != "kind.toml"
                and not TEMPLATE_NAME.fullmatch(match.group(2))
                or WINDOWS_DEVICES.fullmatch(match.group(2))
            ):
                raise package.fail(
                    f"tệp «{_shown_name(member)}» không phải kind.toml hay tệp mẫu .j2; gói mẫu chỉ "
                    "chứa hai loại tệp đó."
                )
            if member.lower() in {m.lower() for m in listed}:
                raise package.fail(
                    f"có hai tệp «{_shown_name(member)}» chỉ khác nhau chữ hoa, chữ thường; gói bị "
                    "từ chối vì trên Windows chúng là một tệp."
                )
            listed[member] = digest
        if f"{k.id}/kind.toml" not in k.files:
            raise package.fail(f"mẫu «{k.id}» thiếu tệp {k.id}/kind.toml.")
    for member in package.members:
        if member not in listed:
            raise package.fail(
                f"có tệp «{_shown_name(member)}» không có trong danh mục {MANIFEST}; gói đã bị sửa "
                "sau khi Sở tạo. Hãy xin Sở gửi lại gói."
            )
    for member, digest in listed.items():
        content = package.members.get(member)
        if content is None:
            raise package.fail(
                f"thiếu tệp «{_shown_name(member)}» mà danh mục liệt kê; gói bị hỏng. Hãy xin Sở gửi lại gói."
            )
        if hashlib.sha256(content).hexdigest() != digest:
            raise package.fail(
                f"tệp «{_shown_name(member)}» đã bị sửa sau khi Sở tạo gói (mã kiểm tra sha256 không "
                "khớp với danh mục). Đừng cài gói này; hãy xin Sở gửi lại gói."
            )


# ---------------------------------------------------------------------------- checking the kinds of a package


def extract_kinds(package: Package, folder: Path) -> list[Kind]:
    """Write the package's kinds to `folder`/<id>/<version>/ and check each as kpdesk would use it: it loads
    (every check of a kind.toml), matches its manifest entry, its templates reach nothing outside the sandbox or
    its folder, and a draft with every field filled renders. Return the kinds, loaded from `folder`."""
    kinds = []
    for entry in package.manifest.kinds:
        target = folder / entry.id / str(entry.version)
        target.mkdir(parents=True)
        for member in entry.files:
            with open(target / member.split("/", 1)[1], "xb") as fh:
                fh.write(package.members[member])
        where = f"mẫu «{entry.id}» phiên bản {entry.version}"
        try:
            kind = load_kind(target, entry.id)
        except KindError as exc:
            message = exc.message.replace(str(target), str(package.sources.get(entry.id, entry.id)))
            raise package.fail(f"{where} không dùng được: {message} {package.fix(entry.id)}") from None
        if kind.version != entry.version:
            raise package.fail(f"{where}: kind.toml ghi version = {kind.version}, khác danh mục; gói đã bị sửa.")
        start = _period_key(kind.applies_from)
        if start != (entry.applies_from or None) and not _same_period(start, entry.applies_from):
            raise package.fail(
                f"{where}: kind.toml ghi applies_from = {start!r}, khác danh mục "
                f"({entry.applies_from!r}); gói đã bị sửa."
            )
        names = {m.split("/", 1)[1] for m in entry.files}
        if kind.template not in names:
            raise package.fail(f"{where}: thiếu tệp mẫu nội dung «{kind.template}» trong gói.")
        check_templates(kind, names, package)
        try_render(kind, package)
        kinds.append(kind)
    return kinds


def _period_key(period: Period | None) -> str | None:
    from kpdesk.deadlines import period_key

    return period_key(period) if period is not None else None


def _same_period(key: str | None, written: str | None) -> bool:
    from kpdesk.deadlines import parse_period

    try:
        return key is not None and written is not None and _period_key(parse_period(written)) == key
    except KpdeskError:
        return False


def check_templates(kind: Kind, names: set[str], package: Package) -> None:
    """Refuse, before anything renders, a template of `kind` that reaches outside Jinja's sandbox (Python's
    internals, frames, methods that change values) or outside its folder (an include, import or extends of a file
    that is not one of `names`, or whose name is not written out), or that does not compile."""
    from kpdesk.template_env import environment

    body = environment(str(kind.folder), True)
    sources = []
    for name in sorted(names - {"kind.toml"}):
        try:
            sources.append((name, (kind.folder / name).read_text(encoding="utf-8"), body))
        except UnicodeDecodeError:
            raise package.fail(
                f"mẫu «{kind.id}», tệp {name} không phải văn bản UTF-8; hãy lưu lại tệp mẫu ở dạng "
                f"UTF-8. {package.fix(kind.id, name)}"
            ) from None
    text = environment(str(kind.folder), False)
    sources += [("kind.toml (title)", kind.title, text), ("kind.toml (subject)", kind.subject, text)]
    for name, source, env in sources:
        _check_source(
            kind,
            name,
            source,
            env,
            names,
            package,
            main=name in (kind.template, "kind.toml (title)", "kind.toml (subject)"),
        )


def _check_source(
    kind: Kind, name: str, source: str, env: Any, names: set[str], package: Package, *, main: bool
) -> None:
    from jinja2 import nodes

    where = f"mẫu «{kind.id}», tệp {name}"
    file = "kind.toml" if name.startswith("kind.toml") else name

    def fail(line: Any, what: str) -> KindError:
        at = f", dòng {line}" if line else ""
        return package.fail(f"{where}{at}: {what} {package.fix(kind.id, file, None if file == 'kind.toml' else line)}")

    try:
        tree = env.parse(source)
        env.compile(tree, name, name)
    except Exception as exc:  # noqa: BLE001 - a syntax error, an unknown filter or test, a nesting too deep
        from kpdesk.template_env import describe

        raise fail(getattr(exc, "lineno", None), f"không phải mẫu Jinja hợp lệ: {describe(exc)}.") from None

    def refuse(node: Any, what: str) -> KindError:
        refused = "" if package.packing else "; gói bị từ chối"
        return fail(
            getattr(node, "lineno", None),
            f"{what}. Mẫu chạy trong vùng cách ly (sandbox) và chỉ được dùng "
            f"các giá trị của báo cáo và các tệp .j2 cùng thư mục{refused}.",
        )

    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if not isinstance(attr, str):
            continue
        if attr.startswith("_") or isinstance(node, nodes.Getattr) and attr in FORBIDDEN_ATTRIBUTES:
            raise refuse(node, f"truy cập «{_shown_name(attr)}», phần bị cấm")
        target = node.node
        if (
            main
            and isinstance(target, nodes.Name)
            and target.name in ("v", "c")
            and not (
                target.name == "v"
                and attr in {f.id for f in kind.fields}
                or target.name == "c"
                and attr in {x.id for x in kind.computed}
            )
        ):
            raise fail(
                node.lineno, f"dùng «{target.name}.{attr}» nhưng mẫu không có trường hay giá trị tính nào tên đó."
            )
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        target = node.template
        wanted = [target] if isinstance(target, nodes.Const) else list(getattr(target, "items", [None]))
        for item in wanted:
            value = item.value if isinstance(item, nodes.Const) else None
            if not isinstance(value, str):
                raise refuse(node, "tên tệp trong include, import hoặc extends phải viết sẵn trong ngoặc kép")
            if not TEMPLATE_NAME.fullmatch(value) or value not in names:
                raise refuse(node, f"dùng tệp «{_shown_name(value)}» nằm ngoài thư mục của mẫu hoặc không có trong gói")


def sample_value(f: Field, period: Period, depth: int = 0) -> Any:
    """A value for field `f` that every check and template can work on, within its bounds."""
    low = f.min if f.min is not None else None
    if f.type == "int":
        value = period.year if f.id.endswith("year") else 2
        value = max(value, int(low)) if low is not None else value
        return min(value, int(f.max)) if f.max is not None else value
    return {
        "text": lambda: f"{f.label} (mẫu)",
        "longtext": lambda: "Đoạn thứ nhất.\nĐoạn thứ hai.",
        "list": lambda: ["Ý thứ nhất", "Ý thứ hai"],
        "amount": lambda: 352_000_000,
        "decimal": lambda: Decimal("2.5"),
        "percent": lambda: Decimal("12.5"),
        "date": lambda: period.end + dt.timedelta(days=20) if f.deadline else period.start,
        "reference": lambda: vn.DocRef("Công văn", "1133/SKHCN-KHTC", period.start, "Sở Khoa học và Công nghệ"),
        "choice": lambda: f.options[0].value,
        "bool": lambda: True,
        "phone": lambda: "0982741345",
        "email": lambda: "vanthu@xa.gov.vn",
        "rows": lambda: [{c.id: sample_value(c, period, depth + 1) for c in f.columns} for _ in range(2)],
    }[f.type]()


def sample_draft(kind: Kind, period: Period | None = None, form: str | None = None, *, empty: bool = False) -> Any:
    """A draft of `kind` with every field filled (or none, `empty`), for checking that a kind renders."""
    from kpdesk.draft import Draft, Signer, Unit

    if period is None:
        start = kind.applies_from.start if kind.applies_from else dt.date(2026, 1, 1)
        period = Period.containing(kind.periods[0], start)
    values = {} if empty else {f.id: sample_value(f, period) for f in kind.fields}
    return Draft(
        kind=kind.id,
        kind_version=kind.version,
        period=period,
        form=form or kind.forms[0],
        unit=Unit("Mẫu Thử", province="Thanh Hóa", office_symbol="VHXH"),
        number="01",
        date=period.end + dt.timedelta(days=5),
        signer=Signer(("KT. CHỦ TỊCH",), "PHÓ CHỦ TỊCH", "Nguyễn Văn Mẫu"),
        to=("Sở Khoa học và Công nghệ tỉnh Thanh Hóa",),
        recipients=("Như trên;", "Lưu: VT."),
        values=values,
    )


def try_render(kind: Kind, package: Package, drafts: Sequence[tuple[str, Any]] = ()) -> None:
    """Lay out `drafts` (name, draft) with `kind` — by default a draft with every field filled and an empty one, in
    each form — and refuse the kind, naming the draft, if one does not."""
    from kpdesk.render import build_layout

    drafts = list(drafts) or [
        (
            f"bản nháp thử ({'đủ mọi trường' if not empty else 'để trống'}, {form})",
            sample_draft(kind, form=form, empty=empty),
        )
        for form in kind.forms
        for empty in (False, True)
    ]
    for name, draft in drafts:
        try:
            build_layout(kind, draft)
        except KpdeskError as exc:  # named by its file in the package (or packed), not the folder it was checked in
            message = exc.message.replace(str(kind.folder), package.folder_of(kind))
            raise package.fail(
                f"mẫu «{kind.id}» phiên bản {kind.version} không xuất được {name}: {message} {package.fix(kind.id)}"
            ) from None
        except Exception as exc:  # noqa: BLE001 - a kind from outside may fail in any way: it is refused
            raise package.fail(
                f"mẫu «{kind.id}» phiên bản {kind.version} không xuất được {name} "
                f"({type(exc).__name__}: {str(exc)[:200]}). {package.fix(kind.id)}"
            ) from None


# ---------------------------------------------------------------------------- installing


@dataclass(frozen=True)
class PlannedKind:
    """One kind of a package about to be installed: the kind (checked, in the staging folder), what it changes
    from the newest version present, and whether this very version is here already."""

    kind: Kind
    changes: KindChanges
    present: bool


@dataclass
class InstallPlan:
    """A package read, checked and written to a staging folder in the data folder, waiting for `install`."""

    package: Package
    root: Path
    staging: Path | None
    items: list[PlannedKind] = field(default_factory=list)
    installed: list[KindVersion] = field(default_factory=list)

    @property
    def new(self) -> list[PlannedKind]:
        return [item for item in self.items if not item.present]

    @property
    def nothing_new(self) -> bool:
        return not self.new

    def summary(self) -> list[str]:
        """What installing the package changes, kind by kind, as lines for the officer."""
        m = self.package.manifest
        lines = [f"Gói mẫu báo cáo của {m.publisher}, tạo ngày {_created(m.created)} ({self.package.name})."]
        for item in self.items:
            if item.present:
                lines.append(f"• «{item.kind.name}» phiên bản {item.kind.version}: đã có trên máy, không đổi.")
                continue
            lines.append(f"• {item.changes.headline}:")
            lines += [f"    – {line}" for line in item.changes.lines()]
        return lines

    def discard(self) -> None:
        """Forget the staging folder (the package was not installed)."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def _created(text: str) -> str:
    try:
        return vn.format_date(dt.datetime.fromisoformat(text).date())
    except ValueError:
        return _shown_name(text)


def _kind_files(folder: Path) -> dict[str, bytes]:
    """The files of a kind's folder as a package carries them (kind.toml and the .j2 templates)."""
    out = {}
    try:
        for path in folder.iterdir():
            if path.name == "kind.toml" or TEMPLATE_NAME.fullmatch(path.name):
                if path.is_file():
                    out[path.name] = path.read_bytes()
    except OSError:
        pass
    return out


def _registry_for(root: Path) -> Registry:
    reg = registry()
    return reg if reg.installed == root else Registry(templates_dir(), root)


def plan_install(path: Path | str, root: Path | None = None) -> InstallPlan:
    """Read and check the package at `path` and stage its kinds in the folder of installed kinds (`root`, by
    default that of the data folder in use); say what installing it would change.

    Refused, with a Vietnamese message, and nothing left behind: a package that is damaged, tampered with, unsafe
    (paths, links, sizes, templates leaving the sandbox or their folder), made for a newer kpdesk, or carrying a
    version older than one present, or a version present with other content.
    """
    package = read_package(Path(path))
    root = Path(root) if root is not None else installed_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        _sweep(root)
        staging = root / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        staging.mkdir()
    except OSError as exc:
        raise KindError(
            f"Không ghi được vào thư mục mẫu báo cáo {root} ({exc.strerror or exc}); hãy kiểm tra quyền "
            "ghi của thư mục dữ liệu hoặc chọn thư mục dữ liệu khác."
        ) from None
    plan = InstallPlan(package, root, staging)
    try:
        try:
            kinds = extract_kinds(package, staging)
        except OSError as exc:
            raise KindError(
                f"Không giải nén được gói mẫu báo cáo vào {staging} ({exc.strerror or exc}); hãy kiểm "
                "tra chỗ trống và quyền ghi của thư mục dữ liệu."
            ) from None
        reg = _registry_for(root)
        for kind in kinds:
            plan.items.append(_plan_kind(package, reg, kind))
    except BaseException:
        plan.discard()
        raise
    return plan


def _plan_kind(package: Package, reg: Registry, kind: Kind) -> PlannedKind:
    versions = reg.versions(kind.id)
    same = next((v for v in versions if v.version == kind.version), None)
    if same is not None:
        if _kind_files(same.folder) != _kind_files(kind.folder):
            where = "có sẵn trong kpdesk" if same.builtin else "đã cài"
            toml = package.source_file(kind.id, "kind.toml")
            advice = (
                f"hãy ghi version = {versions[-1].version + 1} trong tệp {toml} rồi đóng gói lại."
                if package.packing
                else "hãy xin Sở gói mới."
            )
            raise package.fail(
                f"mẫu «{kind.name}» phiên bản {kind.version} {where} trên máy này với nội dung khác. "
                f"Khi sửa mẫu, Sở phải tăng số phiên bản (version); {advice}"
            )
        return PlannedKind(kind, kind_changes(reg.load(same), kind), True)
    if versions and versions[-1].version > kind.version:
        if package.packing:
            raise package.fail(
                f"mẫu «{kind.name}» phiên bản {kind.version} cũ hơn phiên bản {versions[-1].version} "
                "đang có trên máy này; các xã, phường sẽ không cài được. Hãy ghi version = "
                f"{versions[-1].version + 1} trong tệp {package.source_file(kind.id, 'kind.toml')} "
                "rồi đóng gói lại."
            )
        raise package.fail(
            f"mẫu «{kind.name}» phiên bản {kind.version} cũ hơn phiên bản {versions[-1].version} "
            "đang có trên máy này nên không được cài. (Bản nháp đã soạn theo mẫu cũ vẫn mở được.)"
        )
    previous = reg.load(versions[-1]) if versions else None
    return PlannedKind(kind, kind_changes(previous, kind), False)


def _sweep(root: Path) -> None:
    """Remove staging folders an interrupted install left more than an hour ago."""
    limit = time.time() - 3600
    for entry in root.iterdir():
        try:
            if entry.name.startswith(STAGING_PREFIX) and entry.is_dir() and entry.stat().st_mtime < limit:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:  # one that cannot be looked at is left alone; it stops no install
            continue


def install(plan: InstallPlan) -> list[KindVersion]:
    """Move the staged new versions into place, each with one rename (all or none of them), and return them."""
    if plan.staging is None:
        raise KindError("Gói mẫu báo cáo này đã được cài hoặc đã hủy; hãy mở lại tệp gói.")
    moved: list[tuple[Path, Path]] = []
    m = plan.package.manifest
    origin = {
        "publisher": m.publisher,
        "created": m.created,
        "package": plan.package.name,
        "package_sha256": plan.package.sha256,
        "kpdesk_min": m.kpdesk_min,
        "installed": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    try:
        for item in plan.new:
            source = Path(item.kind.folder)
            (source / ORIGIN_FILE).write_text(json.dumps(origin, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            target = plan.root / item.kind.id / str(item.kind.version)
            target.parent.mkdir(exist_ok=True)
            if target.exists():
                raise KindError(
                    f"Mẫu «{item.kind.name}» phiên bản {item.kind.version} vừa được cài (có thể từ một "
                    "cửa sổ kpdesk khác); hãy mở lại danh sách mẫu."
                )
            os.replace(source, target)
            moved.append((target, source))
    except (OSError, KindError) as exc:
        for target, source in reversed(moved):
            try:
                os.replace(target, source)
            except OSError:
                shutil.rmtree(target, ignore_errors=True)
        plan.discard()
        if isinstance(exc, KindError):
            raise
        raise KindError(
            f"Không cài được gói mẫu báo cáo vào {plan.root} ({exc.strerror or exc}); chưa có gì thay "
            "đổi. Hãy kiểm tra quyền ghi của thư mục dữ liệu rồi thử lại."
        ) from None
    plan.discard()
    plan.installed = [
        KindVersion(item.kind.id, item.kind.version, plan.root / item.kind.id / str(item.kind.version), False)
        for item in plan.new
    ]
    return plan.installed


def install_package(path: Path | str, root: Path | None = None) -> InstallPlan:
    """Check and install the package at `path` at once; return the plan, with what was `installed`."""
    plan = plan_install(path, root)
    install(plan)
    return plan


# ---------------------------------------------------------------------------- packing


@dataclass(frozen=True)
class PackResult:
    path: Path
    sha256: str
    kinds: tuple[Kind, ...]
    checked: tuple[str, ...]  # what was checked, one line each


def pack(
    folders: Sequence[Path | str],
    output: Path | str,
    publisher: str,
    *,
    kpdesk_min: str | None = None,
    created: dt.datetime | None = None,
    examples: Path | None = None,
) -> PackResult:
    """Pack the kinds in `folders` into the package `output` (.kpkind), published by `publisher`.

    Each kind gets every check it gets when it loads and when a package is installed; then every example draft of
    that kind (in `examples`, by default kpdesk's own) and a draft of the previous version with every field filled
    are carried over to the new version and must lay out under it. Nothing is written unless all pass.
    """
    from kpdesk.files import write_atomic

    publisher = vn.clean_line(publisher or "")
    if not publisher:
        raise KindError(
            'Hãy ghi tên cơ quan phát hành gói, ví dụ --publisher "Sở Khoa học và Công nghệ tỉnh Thanh Hóa".'
        )
    output = Path(output)
    if output.suffix.lower() != SUFFIX:
        raise KindError(f"Tên tệp gói «{_shown_name(output.name)}» phải có đuôi {SUFFIX}.")
    if not folders:
        raise KindError("Hãy chỉ ra ít nhất một thư mục mẫu báo cáo (thư mục chứa kind.toml và body.j2).")
    if len(folders) > MAX_KINDS:
        raise KindError(f"Một gói mang tối đa {MAX_KINDS} mẫu báo cáo; hãy chia {len(folders)} mẫu thành nhiều gói.")
    created = created or dt.datetime.now().astimezone()
    entries: list[PackagedKind] = []
    members: dict[str, bytes] = {}
    sources: dict[str, Path] = {}
    for raw in folders:
        folder = Path(raw)
        if not (folder / "kind.toml").is_file():
            raise KindError(
                f"Thư mục {_shown_name(str(folder))} không có tệp kind.toml; hãy chỉ ra thư mục của một mẫu báo cáo."
            )
        try:
            kind = load_kind(folder, declared_id(folder))
        except KindError as exc:
            raise _failure(output.name, f"{exc.message} Hãy sửa rồi đóng gói lại.", True) from None
        if any(e.id == kind.id for e in entries):
            raise KindError(f"Mẫu «{kind.id}» được chỉ ra hai lần; mỗi gói chỉ mang một phiên bản của mỗi mẫu.")
        if not TEMPLATE_NAME.fullmatch(kind.template):
            raise KindError(f"Mẫu «{kind.id}»: tệp mẫu nội dung «{kind.template}» phải có đuôi .j2 để đóng gói.")
        files = {f"{kind.id}/{name}": content for name, content in sorted(_kind_files(folder).items())}
        for name, content in files.items():
            _check_packable(folder / name.split("/", 1)[1], content)
        members.update(files)
        sources[kind.id] = folder
        entries.append(
            PackagedKind(
                kind.id,
                kind.version,
                _period_key(kind.applies_from),
                {name: hashlib.sha256(content).hexdigest() for name, content in files.items()},
            )
        )
    if len(members) + 1 > MAX_MEMBERS or sum(map(len, members.values())) > MAX_TOTAL_BYTES:
        raise KindError(
            f"Các mẫu đã chọn có {len(members)} tệp, {sum(map(len, members.values())):,} byte: quá lớn "
            f"cho một gói (tối đa {MAX_MEMBERS} tệp, {MAX_TOTAL_BYTES // 1_000_000} MB); hãy chia thành "
            "nhiều gói."
        )
    manifest = Manifest(
        FORMAT_VERSION, kpdesk_min or _app_version(), publisher, created.isoformat(timespec="seconds"), tuple(entries)
    )
    data = _zip(manifest, members, created)
    package = read_package(data, output.name, sources=sources)
    checked: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kpdesk-pack-") as tmp:
        kinds = extract_kinds(package, Path(tmp))
        reg = registry()
        for kind in kinds:
            _plan_kind(package, reg, kind)  # the communes would refuse an older version, or one changed in place
            checked += _check_upgrades(package, reg, kind, examples)
        write_atomic(output, data)
    return PackResult(output, hashlib.sha256(data).hexdigest(), tuple(kinds), tuple(checked))


def _check_packable(path: Path, content: bytes) -> None:
    """A file the communes' kpdesk would refuse in a package is refused before packing, naming it."""
    if WINDOWS_DEVICES.fullmatch(path.name):
        raise KindError(
            f"Tệp {path}: tên «{path.name}» là tên Windows dành cho thiết bị, không dùng được trên máy "
            "của xã, phường; hãy đổi tên tệp (và chỗ include nó) rồi đóng gói lại."
        )
    if len(content) > MAX_MEMBER_BYTES:
        raise KindError(
            f"Tệp {path} quá lớn ({len(content):,} byte; tối đa {MAX_MEMBER_BYTES // 1_000_000} MB mỗi "
            "tệp); hãy rút gọn tệp rồi đóng gói lại."
        )


def declared_id(folder: Path) -> str | None:
    """The id a kind.toml declares, so that a kind may be packed from a folder of any name (None: unreadable)."""
    import tomllib

    try:
        with (folder / "kind.toml").open("rb") as fh:
            declared = tomllib.load(fh).get("id")
    except (OSError, ValueError):
        return None
    return declared if isinstance(declared, str) and is_kind_id(declared) else None


def _zip(manifest: Manifest, members: dict[str, bytes], created: dt.datetime) -> bytes:
    buffer = io.BytesIO()
    stamp = (max(created.year, 1980), created.month, created.day, created.hour, created.minute, created.second)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in [
            (MANIFEST, (json.dumps(manifest.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")),
            *sorted(members.items()),
        ]:
            info = zipfile.ZipInfo(name, stamp)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
    return buffer.getvalue()


def _check_upgrades(package: Package, reg: Registry, kind: Kind, examples: Path | None) -> list[str]:
    """Every example draft of the kind and a full draft of the previous version upgrade to `kind` and lay out."""
    from kpdesk import draft as drafts

    previous = next((reg.load(v) for v in reversed(reg.versions(kind.id)) if v.version < kind.version), None)
    lines = [f"«{kind.id}» phiên bản {kind.version}: đọc được, mẫu nội dung an toàn, bản nháp thử xuất được."]
    candidates: list[tuple[str, Any]] = []
    folder = examples if examples is not None else _examples_dir()
    for path in sorted(folder.glob("*.json")) if folder is not None and folder.is_dir() else []:
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("kind") != kind.id:
                continue
            candidates.append((f"bản nháp mẫu {path.name}", drafts.load(path)))
        except (ValueError, AttributeError):
            continue
        except KpdeskError as exc:
            raise package.fail(
                f"không đọc được bản nháp mẫu {path} để thử mẫu «{kind.id}»: {exc.message} Hãy sửa "
                "hoặc bỏ bản nháp mẫu này rồi đóng gói lại."
            ) from None
    if previous is not None:
        fit = next((p for p in previous.periods if p in kind.periods), previous.periods[0])
        start = kind.applies_from.start if kind.applies_from else dt.date(2026, 1, 1)
        candidates.append(
            (
                f"bản nháp thử đủ mọi trường của phiên bản {previous.version}",
                sample_draft(previous, Period.containing(fit, start)),
            )
        )
    for name, draft in candidates:
        if draft.kind_version >= kind.version:
            continue
        try:
            upgraded, _ = drafts.upgrade_draft(draft, kind)
        except KpdeskError as exc:
            raise package.fail(
                f"{name} (phiên bản {draft.kind_version}) không chuyển được sang phiên bản "
                f"{kind.version} của «{kind.id}»: {exc.message} Hãy sửa phần [[upgrades]] trong tệp "
                f"{package.source_file(kind.id, 'kind.toml')} rồi đóng gói lại."
            ) from None
        try_render(kind, package, [(f"{name} sau khi chuyển từ phiên bản {draft.kind_version}", upgraded)])
        lines.append(f"«{kind.id}»: {name} chuyển từ phiên bản {draft.kind_version} sang {kind.version} và xuất được.")
    return lines


def _examples_dir() -> Path | None:
    from kpdesk.kinds import data_dir

    folder = data_dir("examples")
    return folder if folder.is_dir() else None
