"""Report kinds as data: the model (`model`), its loader (`loader`), where kinds are found (`registry`), what the
window's start needs of each (`summary`) and what changes between two versions (`changes`), under the names
callers use.

Each name is imported from its module when first asked for (PEP 562): the window's start looks kinds up through
`registry` and `summary` only, and never imports the model, the loader or the kinds' cache."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kpdesk.kinds.changes import Change, KindChanges, kind_changes
    from kpdesk.kinds.loader import load_kind
    from kpdesk.kinds.model import (
        AMOUNT_UNITS,
        AUDIENCES,
        COLUMN_TYPES,
        COMPUTE_OPS,
        COMPUTED_FORMATS,
        FIELD_TYPES,
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
        kind_summary,
        kind_versions,
        kinds_of_data_dir,
        restore_installed_root,
        use_data_dir,
    )
    from kpdesk.kinds.summary import KindBasics, KindSummary, data_dir, is_kind_id, kind_folders, templates_dir

#: Each name this package gives, and the module it comes from.
_NAMES = {
    **dict.fromkeys(("Change", "KindChanges", "kind_changes"), "changes"),
    "load_kind": "loader",
    **dict.fromkeys(
        (
            "AMOUNT_UNITS",
            "AUDIENCES",
            "COLUMN_TYPES",
            "COMPUTE_OPS",
            "COMPUTED_FORMATS",
            "FIELD_TYPES",
            "RULE_CHECKS",
            "SEVERITIES",
            "Computed",
            "Condition",
            "Field",
            "Kind",
            "Option",
            "Rule",
            "Section",
            "Upgrade",
        ),
        "model",
    ),
    **dict.fromkeys(
        (
            "INSTALLED_FOLDER",
            "KindVersion",
            "all_kinds",
            "get_kind",
            "installed_root",
            "kind_folder",
            "kind_for_period",
            "kind_ids",
            "kind_of",
            "kind_summary",
            "kind_versions",
            "kinds_of_data_dir",
            "restore_installed_root",
            "use_data_dir",
        ),
        "registry",
    ),
    **dict.fromkeys(
        ("KindBasics", "KindSummary", "data_dir", "is_kind_id", "kind_folders", "templates_dir"), "summary"
    ),
}


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # asked once: the next time is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_NAMES])


__all__ = [
    "AMOUNT_UNITS",
    "AUDIENCES",
    "COLUMN_TYPES",
    "COMPUTED_FORMATS",
    "COMPUTE_OPS",
    "Change",
    "Computed",
    "Condition",
    "FIELD_TYPES",
    "Field",
    "INSTALLED_FOLDER",
    "Kind",
    "KindBasics",
    "KindChanges",
    "KindSummary",
    "KindVersion",
    "Option",
    "RULE_CHECKS",
    "Rule",
    "SEVERITIES",
    "Section",
    "Upgrade",
    "all_kinds",
    "data_dir",
    "get_kind",
    "installed_root",
    "is_kind_id",
    "kind_changes",
    "kind_folder",
    "kind_folders",
    "kind_for_period",
    "kind_ids",
    "kind_of",
    "kind_summary",
    "kind_versions",
    "kinds_of_data_dir",
    "load_kind",
    "restore_installed_root",
    "templates_dir",
    "use_data_dir",
]
