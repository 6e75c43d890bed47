"""The Qt shell of kpdesk: load, show and save; every rule is called from the core (`kpdesk/`)."""

from __future__ import annotations

import gc
import sys


def _keep_singletons_alive() -> bool:
    """Work around a binding that drops references to None, True and False; return whether it was needed.

    PySide6 6.12's stable-ABI wheels assume these objects are immortal (as they are from Python 3.12 on) and
    return them without a new reference. Under Python 3.11 every such call then takes one reference away, and
    after a few thousand calls the interpreter aborts ("deallocating None"). When a probe shows the leak, the
    objects are given a reference count no session can exhaust, which is what Python 3.12 does for them.
    The real fix is to install a PySide6 without the fault (6.11) or Python 3.12+.
    """
    if sys.version_info >= (3, 12):
        return False
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("")
    if before - sys.getrefcount(None) < 32:
        return False
    import ctypes

    for obj in (None, True, False, NotImplemented, Ellipsis):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40
    return True


#: Whether the binding fault was found (and guarded); set by `guard_binding()`, which `ui.app.make_app` calls.
BINDING_LEAKS = False


def guard_binding() -> bool:
    """Probe for the binding fault once, before the window does any Qt work; return whether it was found."""
    global BINDING_LEAKS, _guarded
    if not _guarded:
        BINDING_LEAKS = _keep_singletons_alive()
        _guarded = True
    return BINDING_LEAKS


_guarded = False


def skip_source_scan() -> bool:
    """Stop PySide from reading the source of every module imported after it; return whether it was stopped.

    PySide calls its private `shibokensupport.feature._mod_uses_pyside(module)` for each module imported once Qt
    is loaded, which reads the module's whole source (kept in `linecache`) to look for "PySide6", only to choose
    between "no feature" and "ignore this module" for its `__feature__` switches (snake_case, true_property).
    No kpdesk module selects a feature, so every module gets "no feature", the plain Qt API, without reading
    anything: this saved ~30 ms of each start and ~7 MiB of source text. Nothing changes if PySide's private
    module is not there (another version, a bundle).
    """
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_plain_qt
    return True


def _uses_plain_qt(module: object) -> bool:
    return True


def load_qt() -> bool:
    """Load Qt (PySide6) with the code of PySide's support modules from kpdesk's cache folder; return whether it
    came from there (False when Qt was already loaded, or the cache is off).

    When PySide loads, its binding layer (shiboken) compiles its own importer (`signature_bootstrap.py`) and, through
    it, 13 support modules (its signatures, its `__feature__` switch: ~130 KB of Python kept inside its library),
    from source every time, as no .pyc is written for them: ~14 ms of every start here, an eighth of a bare PySide
    window's whole start. `kpdesk.caching.compiling_from_cache` keeps their code as Python keeps a module's in its
    .pyc: compiled at the first start, read at the next (and compiled again when PySide changes them). The window's
    start calls this before it imports `ui.app`; nothing changes if PySide compiles other files, or none.
    """
    if "shiboken6" in sys.modules:
        return False
    from kpdesk.caching import compiling_from_cache

    with compiling_from_cache("shibokensupport", prefix=("signature_bootstrap.py", "shibokensupport/")) as cached:
        import PySide6.QtCore  # noqa: F401 - shiboken's support modules are imported with it
    skip_source_scan()  # at once: PySide would read the source of every module imported from now on (`ui.app`'s)
    return cached


#: How many new objects Python's cyclic collector lets pass between two of its youngest collections while the
#: window starts (`collect_later`); Python's own is 700.
START_COLLECT_EVERY = 50_000
_usual_thresholds: tuple[int, ...] | None = None


def collect_later() -> None:
    """Let Python's cyclic collector wait while the window starts, until `collect_as_usual` (which the window
    calls once it is first idle, `ui.app.run`).

    The start makes tens of thousands of objects that live as long as the program (modules, classes, Qt's types,
    the window) and next to no garbage; every 700 of them Python's collector looked through the youngest, and now
    and then through all those of the start so far: some 35 collections before the window was shown (7 M
    instructions, ~5 ms), for a handful of objects freed. Raising the first threshold spares them; the collector
    still runs if a start ever makes 50,000 objects more than it frees."""
    global _usual_thresholds
    if _usual_thresholds is None:
        _usual_thresholds = gc.get_threshold()
        gc.set_threshold(START_COLLECT_EVERY, *_usual_thresholds[1:])


def collect_as_usual(*, keep_what_started: bool = False) -> None:
    """Give Python's collector back the thresholds it had before `collect_later` (nothing if it was not called).

    With `keep_what_started` (the window, once it is idle) the objects made so far are first moved out of the
    collector's sight (`gc.freeze`): they are the program's for as long as it runs, and looking through them at
    the next collection, or at every full one later while the officer types, would free nothing."""
    global _usual_thresholds
    if _usual_thresholds is not None:
        if keep_what_started:
            gc.freeze()
        gc.set_threshold(*_usual_thresholds)
        _usual_thresholds = None


# Also now, in case Qt was loaded before this package (by a PyInstaller runtime hook, a test or a harness): every
# import statement run after that would have PySide read the importing module's source. `ui.app` says it again
# right after it loads Qt itself.
skip_source_scan()
