"""PyInstaller runtime hook: runs in the frozen program before kpdesk is imported.

Qt's plug-ins (platform, style) are in the bundle's PySide6 folder; QT_PLUGIN_PATH says so before Qt loads. This
replaces PyInstaller's own PySide6 hook (buildinfo.RUNTIME_HOOKS_REPLACED), which imports PySide6.QtCore at once
to register a qt.conf and so loads Qt at every start, even for `kpdesk-cli --version`; Qt from the PyPI wheels
finds its own folder without one, and it now loads only when the program first uses it.

A windowed Windows program (no console) starts with `sys.stdout` and `sys.stderr` set to None unless its caller
redirected them (as `packaging/build-windows.ps1` does for `kpdesk.exe --selftest`). Printing then fails with
AttributeError in code that writes to `sys.stdout` directly, so the missing streams are pointed at the null
device. Redirected output stays UTF-8 whatever the Windows code page (build.spec turns on Python's UTF-8 mode).
"""

import os
import sys

for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)

if hasattr(sys, "_MEIPASS"):
    _qt = (
        os.path.join(sys._MEIPASS, "PySide6")
        if sys.platform == "win32"
        else os.path.join(sys._MEIPASS, "PySide6", "Qt")
    )
    os.environ["QT_PLUGIN_PATH"] = os.path.join(_qt, "plugins")
