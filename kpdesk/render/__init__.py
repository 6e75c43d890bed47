"""The renderer: ND30 frame + body markup → .docx, with the draft embedded (imports docx lazily)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kpdesk.render.frame import Frame, Signer, build_document, write_docx
    from kpdesk.render.markup import parse_body
    from kpdesk.render.payload import read_payload

__all__ = ["Frame", "Signer", "build_document", "parse_body", "read_payload", "write_docx"]

_HOMES = {
    "Frame": "frame",
    "Signer": "frame",
    "build_document": "frame",
    "write_docx": "frame",
    "parse_body": "markup",
    "read_payload": "payload",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kpdesk.render' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"kpdesk.render.{home}"), name)
