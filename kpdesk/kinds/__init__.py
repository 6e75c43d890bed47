"""Report kinds as data: the model (`model`), its loader (`loader`), where kinds are found (`registry`) and what
changes between two versions (`changes`), under the names callers use. What changes between versions is
imported when first asked for: the window's start compares no versions."""

from typing import TYPE_CHECKING, Any

from kpdesk.kinds.loader import data_dir, kind_folders, load_kind, templates_dir
from kpdesk.kinds.model import (
    AMOUNT_UNITS,
    AUDIENCES,
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
from kpdesk.kinds.registry import (
    INSTALLED_FOLDER,
    KindVersion,
    all_kinds,
    get_kind,
    installed_root,
    kind_folder,
    kind_for_period,
    kind_ids,
    kind_of,
    kind_versions,
    kinds_of_data_dir,
    restore_installed_root,
    use_data_dir,
)

if TYPE_CHECKING:
    from kpdesk.kinds.changes import Change, KindChanges, kind_changes

#: The names of `kpdesk.kinds.changes`, which is imported the first time one of them is asked for.
_CHANGES = ("Change", "KindChanges", "kind_changes")


def __getattr__(name: str) -> Any:
    if name in _CHANGES:
        from kpdesk.kinds import changes

        return getattr(changes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AMOUNT_UNITS",
    "AUDIENCES",
    "COLUMN_TYPES",
    "COMPUTED_FORMATS",
    "COMPUTE_OPS",
    "FIELD_TYPES",
    "INSTALLED_FOLDER",
    "KIND_ID",
    "RULE_CHECKS",
    "SEVERITIES",
    "Change",
    "Computed",
    "Condition",
    "Field",
    "Kind",
    "KindChanges",
    "KindVersion",
    "Option",
    "Rule",
    "Section",
    "Upgrade",
    "all_kinds",
    "data_dir",
    "get_kind",
    "installed_root",
    "kind_changes",
    "kind_folder",
    "kind_for_period",
    "kind_folders",
    "kind_ids",
    "kind_of",
    "kind_versions",
    "kinds_of_data_dir",
    "load_kind",
    "restore_installed_root",
    "templates_dir",
    "use_data_dir",
]
