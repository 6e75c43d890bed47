"""Old import path of `draft_from_docx` and `render_to_file`, kept only while kpdesk/store.py still uses it."""

# The rendering path now lives in `kpdesk.render`. kpdesk/store.py (owned by the store branch of #14) imports
# `draft_from_docx` from here inside `Store.import_file`; once it imports `kpdesk.render`, delete this module.
from kpdesk.render import draft_from_docx, render_to_file

__all__ = ["draft_from_docx", "render_to_file"]
