#!/usr/bin/env bash
# Build the one-folder bundle with build.spec, check it, and print its size and start times.
#
#   bash packaging/build-and-check.sh            # builds into /tmp/kpdesk-dist (KPDESK_DIST to change)
#
# 1. pyinstaller build.spec (the same spec as on Windows);
# 2. on Linux: no kept library misses a dependency (ldd), since the spec leaves unused Qt parts out;
# 3. the frozen `kpdesk --selftest`, offscreen, from the build folder and from a copy in a folder whose path has
#    Vietnamese letters and spaces (like C:\Users\Nguyễn Văn A\AppData\Local\Programs\kpdesk);
#    and the console companion `kpdesk-cli` runs commands from the same _internal/ folder;
# 4. size of the bundle, and the time of `--selftest` and of `kinds`, frozen against `python -m kpdesk`;
# 5. makensis, when installed, compiles the Windows installer against this bundle as Windows' NSIS would: with its
#    data folder copied without the 64-bit stubs (packaging/make_installer.py --windows-nsis). The installer's
#    behaviour (install, upgrade, uninstall under Wine) is tested in tests/packaging/test_installer_wine.py.
# Exits non-zero when any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

DIST="${KPDESK_DIST:-/tmp/kpdesk-dist}"
WORK="${KPDESK_WORK:-/tmp/kpdesk-build}"
PYTHON="${PYTHON:-python}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

step() { printf '\n== %s\n' "$*"; }
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

VERSION="$("$PYTHON" packaging/buildinfo.py version)"
step "kpdesk $VERSION: pyinstaller build.spec → $DIST/kpdesk"
rm -rf "$DIST/kpdesk" "$WORK"
t0=$(now)
"$PYTHON" -m PyInstaller build.spec --noconfirm --distpath "$DIST" --workpath "$WORK" --log-level WARN
t1=$(now)
echo "build: $(seconds "$t0" "$t1") s"
BUNDLE="$DIST/kpdesk"
EXE="$BUNDLE/kpdesk"
[ -x "$EXE" ] || EXE="$BUNDLE/kpdesk.exe"
[ -x "$EXE" ] || { echo "LỖI: không thấy chương trình trong $BUNDLE" >&2; exit 1; }
CLI="$BUNDLE/kpdesk-cli"
[ -x "$CLI" ] || CLI="$BUNDLE/kpdesk-cli.exe"
[ -x "$CLI" ] || { echo "LỖI: không thấy kpdesk-cli trong $BUNDLE" >&2; exit 1; }
[ "$(LC_ALL=C ls "$BUNDLE")" = "$(printf '_internal\n%s\n%s' "$(basename "$EXE")" "$(basename "$CLI")")" ] \
  || { echo "LỖI: $BUNDLE phải chỉ có _internal, $(basename "$EXE") và $(basename "$CLI"): $(ls "$BUNDLE")" >&2; exit 1; }

if [ "$(uname -s)" = "Linux" ] && command -v ldd >/dev/null 2>&1; then
  step "ldd: every bundled library finds what it links to"
  # LD_LIBRARY_PATH as the bootloader sets it: the bundle's _internal folder.
  missing="$(find "$BUNDLE" -type f \( -name '*.so' -o -name '*.so.*' \) -print0 \
             | LD_LIBRARY_PATH="$BUNDLE/_internal" xargs -0 -r ldd 2>/dev/null | grep 'not found' | sort -u || true)"
  if [ -n "$missing" ]; then
    echo "LỖI: thư viện thiếu (missing libraries):"; echo "$missing"; exit 1
  fi
  echo "OK"
fi

step "frozen selftest: $EXE --selftest"
"$EXE" --selftest

step "console companion: $CLI --version and kinds, from the same _internal/"
"$CLI" --version
"$CLI" kinds >/dev/null

step "frozen selftest from a folder with Vietnamese letters and spaces"
VN_ROOT="$(mktemp -d)/Nguyễn Văn A"
VN_HOME="$VN_ROOT"
VN_INSTALL="$VN_ROOT/AppData/Local/Programs/kpdesk"
mkdir -p "$(dirname "$VN_INSTALL")"
cp -a "$BUNDLE" "$VN_INSTALL"
(cd "$VN_ROOT" && HOME="$VN_HOME" XDG_DATA_HOME="$VN_HOME/AppData/Local" KPDESK_DATA_DIR= \
   "$VN_INSTALL/$(basename "$EXE")" --selftest)
rm -rf "$(dirname "$VN_ROOT")"

step "size and start times"
size_mb="$(du -sm "$BUNDLE" | cut -f1)"
files="$(find "$BUNDLE" -type f | wc -l)"
echo "bundle: ${size_mb} MB in ${files} files ($BUNDLE)"
measure() {  # measure LABEL COMMAND…: the best of 3 runs, in seconds
  local best="" t0 t1 took
  for _ in 1 2 3; do
    t0=$(now); "${@:2}" >/dev/null; t1=$(now)
    took=$(seconds "$t0" "$t1")
    if [ -z "$best" ] || awk -v a="$took" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$took; fi
  done
  printf '%-44s %6s s\n' "$1" "$best"
}
measure "frozen:  kpdesk --selftest" "$EXE" --selftest
measure "source:  python -m ui.launch --selftest" "$PYTHON" -m ui.launch --selftest
measure "frozen:  kpdesk kinds" "$EXE" kinds
measure "source:  python -m kpdesk kinds" "$PYTHON" -m kpdesk kinds

if command -v makensis >/dev/null 2>&1; then
  step "makensis: the Windows installer, compiled against this bundle with x86 stubs only (as on Windows)"
  "$PYTHON" packaging/make_installer.py "$BUNDLE" --windows-nsis --out "$DIST/kpdesk-$VERSION-setup.exe"
  echo "(the Linux bundle is inside: this checks the script and the file list, not a Windows program)"
else
  echo "(makensis not installed: installer script not compiled)"
fi

step "OK: bundle built and checked"
