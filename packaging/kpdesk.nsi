; kpdesk — Windows installer (NSIS 3). Installs for the current user only, without administrator rights.
;
;   makensis -DVERSION=0.1.0 -DDIST=C:\path\to\dist\kpdesk packaging\kpdesk.nsi
;
; VERSION: kpdesk's version (pyproject.toml); DIST: the PyInstaller one-folder bundle (an absolute path: makensis
; works from this script's folder); OUTFILE (optional): the installer to write, by default
; dist\kpdesk-VERSION-setup.exe beside the project. packaging/build-windows.ps1 passes all three.
;
; Where things go (the same for every Windows user, whatever letters the user name has):
;   program:   $LOCALAPPDATA\Programs\kpdesk   (C:\Users\<user>\AppData\Local\Programs\kpdesk)
;   data:      $LOCALAPPDATA\kpdesk            — written only by kpdesk itself; this script never touches it
;   shortcuts: Start menu and desktop of this user; uninstall entry under HKCU (Settings → Apps).
; An upgrade replaces the program's files only. The new version, on its first start, backs the data up
; (kpdesk.upgrade.check_upgrade) before it opens them.

Unicode true
; The bundle is 64-bit only (Python 3.11 x64, Qt 6): so is the installer, which 32-bit Windows then refuses at once.
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "Hãy cho biết phiên bản: makensis -DVERSION=0.1.0 -DDIST=... (missing -DVERSION)"
!endif
!ifndef DIST
  !error "Hãy cho biết thư mục bản đóng gói: makensis -DDIST=...\dist\kpdesk (missing -DDIST)"
!endif
!ifndef VIVERSION
  !define VIVERSION "${VERSION}.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\kpdesk-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\resources\kpdesk.ico"
!endif

!define APP "kpdesk"
!define APP_EXE "kpdesk.exe"
!define UNINSTALLER "uninstall.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\kpdesk"
!define DESCRIPTION "Soạn báo cáo KH, CN, ĐMST và chuyển đổi số của UBND xã, phường"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

Name "${APP} ${VERSION}"
Caption "Cài đặt ${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VIVERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "Cài đặt ${APP} ${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${APP}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${APP}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "Cài đặt ${APP} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "${DESCRIPTION}.$\r$\n$\r$\nChương trình được cài cho riêng người dùng này, không cần quyền quản trị. Nếu máy đã có ${APP}, bản mới sẽ thay bản cũ; các bản nháp, đơn vị và bản sao lưu được giữ nguyên.$\r$\n$\r$\nHãy đóng ${APP} (nếu đang mở) rồi bấm Tiếp."
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APP} ngay"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"

; The program's own folder only: the data folder ($LOCALAPPDATA\kpdesk) is never a place to install into.
Function .onVerifyInstDir
  ${If} $INSTDIR == "$LOCALAPPDATA\${APP}"
    Abort
  ${EndIf}
FunctionEnd

; Program files cannot be replaced while kpdesk runs: ask the user to close it first.
!macro WAIT_UNTIL_CLOSED UN
Function ${UN}WaitUntilClosed
  ${DoWhile} ${FileExists} "$INSTDIR\${APP_EXE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${APP_EXE}" a
    ${IfNot} ${Errors}
      FileClose $0
      ${Break}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP} đang mở. Hãy đóng ${APP} rồi bấm Thử lại." /SD IDCANCEL IDRETRY +2
    Abort
  ${Loop}
FunctionEnd
!macroend
!insertmacro WAIT_UNTIL_CLOSED ""
!insertmacro WAIT_UNTIL_CLOSED "un."

Section "${APP}" SecMain
  SectionIn RO
  SetShellVarContext current
  Call WaitUntilClosed

  ; Upgrade: remove the previous version's program files first, so that none of them lingers beside the new
  ; ones. Only what an installer put here is removed; the data folder is elsewhere and is not touched.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"

  SetOutPath "$INSTDIR"
  File /r "${DIST}\*.*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 SW_SHOWNORMAL "" "${DESCRIPTION}"
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 SW_SHOWNORMAL "" "${DESCRIPTION}"

  ; Settings → Apps (per user, HKCU): name, version, size and how to uninstall.
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "Comments" "${DESCRIPTION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

; Removes exactly what the installer put in the program's folder. The user's drafts, units and backups
; (kept by kpdesk in its own data folder) stay, so a later install finds them again.
Section "Uninstall"
  SetShellVarContext current
  Call un.WaitUntilClosed
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$DESKTOP\${APP}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd
