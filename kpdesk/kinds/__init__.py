"""Report kinds as data: the model (`model`) and its loader (`loader`), under the names callers use."""

from kpdesk.kinds.loader import all_kinds, data_dir, get_kind, kind_folders, load_kind, templates_dir
from kpdesk.kinds.model import (
    AMOUNT_UNITS,
    COLUMN_TYPES,
    COMPUTE_OPS,
    COMPUTED_FORMATS,
    FIELD_TYPES,
    KIND_ID,
    RULE_CHECKS,
    SEVERITIES,
    Computed,
    Condition,
    Field,
    Kind,
    Option,
    Rule,
    Section,
    Upgrade,
)

__all__ = [
    "AMOUNT_UNITS", "COLUMN_TYPES", "COMPUTED_FORMATS", "COMPUTE_OPS", "FIELD_TYPES", "KIND_ID", "RULE_CHECKS",
    "SEVERITIES", "Computed", "Condition", "Field", "Kind", "Option", "Rule", "Section", "Upgrade", "all_kinds",
    "data_dir", "get_kind", "kind_folders", "load_kind", "templates_dir",
]
