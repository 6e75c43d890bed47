; kpdesk — Windows installer (NSIS 3). Installs for the current user only, without administrator rights.
;
;   python packaging\make_installer.py dist\kpdesk            (see that file for --version, --publisher, --out)
;
; make_installer.py lists the bundle's files and writes the include named by SETUP_NSH: VERSION, VIVERSION (the
; four numbers Windows wants, from packaging/buildinfo.py), PUBLISHER, OUTFILE, RECORD_SOURCE and the macro
; INSTALL_BUNDLE_FILES (one File command per file of the bundle). Then it runs makensis on this script.
;
; Where things go (the same for every Windows user, whatever letters the user name has):
;   program:   $LOCALAPPDATA\Programs\kpdesk   (C:\Users\<user>\AppData\Local\Programs\kpdesk)
;   data:      $LOCALAPPDATA\kpdesk            — written only by kpdesk itself; this script never touches it
;   shortcuts: Start menu and desktop of this user; uninstall entry under HKCU (Settings → Apps).
;   record:    $INSTDIR\installed-files.txt   — every file and folder this installer put there; an upgrade and
;              the uninstaller remove exactly those (never a whole folder), so nothing else is ever deleted.
; The new version, on its first start, backs the data up (kpdesk.upgrade.check_upgrade) before it opens them.

Unicode true
; The NSIS that Windows gets (winget, choco, nsis.sourceforge.io) has x86 stubs and plugins only: the installer is
; a 32-bit program. The bundle is 64-bit (Python 3.11 x64, Qt 6), so .onInit refuses 32-bit Windows.
Target x86-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef SETUP_NSH
  !error "Hãy tạo bộ cài bằng lệnh: python packaging\make_installer.py dist\kpdesk (missing -DSETUP_NSH)"
!endif
!include "${SETUP_NSH}"
!ifndef ICON
  !define ICON "..\resources\kpdesk.ico"
!endif

!define APP "kpdesk"
!define APP_EXE "kpdesk.exe"
!define CLI_EXE "kpdesk-cli.exe"
!define UNINSTALLER "uninstall.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\kpdesk"
!define DESCRIPTION "Soạn báo cáo KH, CN, ĐMST và chuyển đổi số của UBND xã, phường"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "x64.nsh"

Name "${APP} ${VERSION}"
Caption "Cài đặt ${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VIVERSION}"
VIFileVersion "${VIVERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "Cài đặt ${APP} ${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}"

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

; ---------------------------------------------------------------- helpers (each for the installer and the uninstaller)

!macro HELPERS UN
; Stack: a path → the same path made full (".." and "/" resolved), in its long form when it exists, and without a
; trailing backslash; compare two of them with == (case-insensitive, as Windows compares paths).
Function ${UN}NormalisePath
  Exch $R0
  Push $R1
  Push $R2
  System::Call 'kernel32::GetFullPathNameW(w R0, i ${NSIS_MAX_STRLEN}, w .R1, p 0) i .R2'
  ${If} $R2 > 0
  ${AndIf} $R2 < ${NSIS_MAX_STRLEN}
    StrCpy $R0 $R1
  ${EndIf}
  System::Call 'kernel32::GetLongPathNameW(w R0, w .R1, i ${NSIS_MAX_STRLEN}) i .R2'
  ${If} $R2 > 0
  ${AndIf} $R2 < ${NSIS_MAX_STRLEN}
    StrCpy $R0 $R1
  ${EndIf}
  ${Do}
    StrCpy $R1 $R0 1 -1
    StrLen $R2 $R0
    ${If} $R1 != "\"
    ${OrIf} $R2 <= 3
      ${Break}
    ${EndIf}
    StrCpy $R0 $R0 -1
  ${Loop}
  Pop $R2
  Pop $R1
  Exch $R0
FunctionEnd

; Stack: two paths → "1" when they name the same file or folder, else "0".
Function ${UN}SamePath
  Exch $R0
  Exch
  Exch $R1
  Push $R0
  Call ${UN}NormalisePath
  Pop $R0
  Push $R1
  Call ${UN}NormalisePath
  Pop $R1
  ${If} $R0 == $R1
    StrCpy $R0 "1"
  ${Else}
    StrCpy $R0 "0"
  ${EndIf}
  Pop $R1
  Exch $R0
FunctionEnd

; Stack: a line of the record → "1" when it is a plain path inside the install folder (no drive, no "..", no
; wildcard, not absolute), else "0". make_installer.py writes only such lines; this keeps a damaged record from
; reaching outside $INSTDIR.
Function ${UN}IsInsidePath
  Exch $R0
  Push $R1
  Push $R2
  Push $R3
  StrCpy $R3 "1"
  StrCpy $R1 $R0 1
  ${If} $R0 == ""
  ${OrIf} $R1 == "\"
    StrCpy $R3 "0"
  ${EndIf}
  StrCpy $R2 0
  ${DoWhile} $R3 == "1"
    StrCpy $R1 $R0 1 $R2
    ${If} $R1 == ""
      ${Break}
    ${EndIf}
    ${If} $R1 == ":"
    ${OrIf} $R1 == "*"
    ${OrIf} $R1 == "?"
    ${OrIf} $R1 == "/"
      StrCpy $R3 "0"
    ${EndIf}
    StrCpy $R1 $R0 2 $R2
    ${If} $R1 == ".."
      StrCpy $R3 "0"
    ${EndIf}
    IntOp $R2 $R2 + 1
  ${Loop}
  StrCpy $R0 $R3
  Pop $R3
  Pop $R2
  Pop $R1
  Exch $R0
FunctionEnd

; Removes the files, then the folders (only when empty), that $INSTDIR\${RECORD} lists; nothing else. Without a
; record it removes nothing.
Function ${UN}RemoveRecorded
  Push $R0
  Push $R1
  Push $R2
  ClearErrors
  FileOpen $R0 "$INSTDIR\${RECORD}" r
  ${IfNot} ${Errors}
    ${Do}
      ClearErrors
      FileReadUTF16LE $R0 $R1
      ${If} ${Errors}
        ${Break}
      ${EndIf}
      ${Do}
        StrCpy $R2 $R1 1 -1
        ${If} $R2 != "$\r"
        ${AndIf} $R2 != "$\n"
          ${Break}
        ${EndIf}
        StrCpy $R1 $R1 -1
      ${Loop}
      StrCpy $R2 $R1 1
      ${If} $R1 == ""
      ${OrIf} $R2 == ";"
        ${Continue}
      ${EndIf}
      Push $R1
      Call ${UN}IsInsidePath
      Pop $R2
      ${If} $R2 != "1"
        DetailPrint "Bỏ qua dòng lạ trong ${RECORD}: $R1"
        ${Continue}
      ${EndIf}
      StrCpy $R2 $R1 1 -1
      ${If} $R2 == "\"
        StrCpy $R1 $R1 -1
        RMDir "$INSTDIR\$R1"
      ${Else}
        Delete "$INSTDIR\$R1"
      ${EndIf}
    ${Loop}
    FileClose $R0
  ${EndIf}
  Pop $R2
  Pop $R1
  Pop $R0
FunctionEnd

; Program files cannot be replaced while kpdesk runs (the window or kpdesk-cli): ask the user to close it first.
; Stack: the program's file name in $INSTDIR.
Function ${UN}WaitUntilClosed
  Exch $R0
  Push $R1
  ${DoWhile} ${FileExists} "$INSTDIR\$R0"
    ClearErrors
    FileOpen $R1 "$INSTDIR\$R0" a
    ${IfNot} ${Errors}
      FileClose $R1
      ${Break}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP} đang mở ($R0). Hãy đóng mọi cửa sổ ${APP} và cửa sổ lệnh đang chạy kpdesk-cli rồi bấm Thử lại." /SD IDCANCEL IDRETRY retry
    SetErrorLevel 2
    Quit
    retry:
  ${Loop}
  Pop $R1
  Pop $R0
FunctionEnd
!macroend
!insertmacro HELPERS ""
!insertmacro HELPERS "un."

!macro WAIT_FOR_PROGRAMS UN
  Push "${APP_EXE}"
  Call ${UN}WaitUntilClosed
  Push "${CLI_EXE}"
  Call ${UN}WaitUntilClosed
!macroend

; ---------------------------------------------------------------- installer

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APP} chỉ chạy trên Windows 64-bit, còn máy này dùng Windows 32-bit. Hãy cài ${APP} trên máy Windows 10 hoặc 11 bản 64-bit (xem Settings → System → About → System type)." /SD IDOK
    SetErrorLevel 3
    Quit
  ${EndIf}
FunctionEnd

; Stack: → "" when $INSTDIR may be installed into, else why not. The data folder ($LOCALAPPDATA\kpdesk) is never a
; place to install into, nor a folder inside it or one that holds it, however the path is written.
Function CheckInstallFolder
  Push $R0
  Push $R1
  Push $R2
  Push $R3
  Push "$LOCALAPPDATA\${APP}"
  Call NormalisePath
  Pop $R0
  Push $INSTDIR
  Call NormalisePath
  Pop $R1
  StrCpy $R3 ""
  StrLen $R2 "$R0\"
  StrCpy $R2 $R1 $R2
  ${If} $R1 == $R0
  ${OrIf} $R2 == "$R0\"
    StrCpy $R3 "Không thể cài ${APP} vào $INSTDIR: đó là thư mục dữ liệu $R0 (nơi giữ bản nháp, đơn vị và bản sao lưu) hoặc nằm trong nó. Hãy chọn thư mục khác, ví dụ $LOCALAPPDATA\Programs\${APP}."
  ${Else}
    StrLen $R2 "$R1\"
    StrCpy $R2 $R0 $R2
    ${If} $R2 == "$R1\"
      StrCpy $R3 "Không thể cài ${APP} vào $INSTDIR: thư mục này chứa thư mục dữ liệu $R0 (nơi giữ bản nháp, đơn vị và bản sao lưu). Hãy chọn thư mục khác, ví dụ $LOCALAPPDATA\Programs\${APP}."
    ${EndIf}
  ${EndIf}
  StrCpy $R0 $R3
  Pop $R3
  Pop $R2
  Pop $R1
  Exch $R0
FunctionEnd

; On the directory page: a folder refused by CheckInstallFolder cannot be chosen (the Next button stays grey).
Function .onVerifyInstDir
  Push $R0
  Call CheckInstallFolder
  Pop $R0
  ${If} $R0 != ""
    Pop $R0
    Abort
  ${EndIf}
  Pop $R0
FunctionEnd

; Installing into another folder than the one Settings → Apps names: the copy there is uninstalled first (its own
; uninstaller, silently), so that no orphaned copy keeps shortcuts or an Apps entry.
Function RemoveCopyElsewhere
  Push $R0
  Push $R1
  ReadRegStr $R0 HKCU "${UNINST_KEY}" "InstallLocation"
  ${If} $R0 != ""
  ${AndIf} ${FileExists} "$R0\${UNINSTALLER}"
  ${AndIf} ${FileExists} "$R0\${RECORD}"
    Push $R0
    Push $INSTDIR
    Call SamePath
    Pop $R1
    ${If} $R1 == "0"
      DetailPrint "Gỡ bản ${APP} cũ ở $R0"
      ExecWait '"$R0\${UNINSTALLER}" /S _?=$R0' $R1
      ${If} $R1 == "0"
        Delete "$R0\${UNINSTALLER}"
        RMDir "$R0"
      ${Else}
        DetailPrint "Không gỡ được bản ${APP} cũ ở $R0 (mã $R1); bản đó vẫn còn trên máy."
      ${EndIf}
    ${EndIf}
  ${EndIf}
  Pop $R1
  Pop $R0
FunctionEnd

Section "${APP}" SecMain
  SectionIn RO
  SetShellVarContext current
  Call CheckInstallFolder
  Pop $R0
  ${If} $R0 != ""
    MessageBox MB_OK|MB_ICONSTOP "$R0" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  !insertmacro WAIT_FOR_PROGRAMS ""
  Call RemoveCopyElsewhere

  ; Upgrade: the previous version's files, exactly as its record lists them, go first; so no file that only the
  ; old version had lingers beside the new ones. The data folder is elsewhere and is not touched.
  Call RemoveRecorded

  !insertmacro INSTALL_BUNDLE_FILES
  SetOutPath "$INSTDIR"
  File "/oname=${RECORD}" "${RECORD_SOURCE}"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 SW_SHOWNORMAL "" "${DESCRIPTION}"
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 SW_SHOWNORMAL "" "${DESCRIPTION}"

  ; Settings → Apps (per user, HKCU): name, version, publisher, size and how to uninstall.
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
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

; ---------------------------------------------------------------- uninstaller

; Stack: a shortcut → its target, or "" when it cannot be read. Through the System plug-in: IShellLinkW loads the
; .lnk (IPersistFile::Load) and gives its item list (GetIDList), which SHGetPathFromIDListW turns into the path.
; (IShellLinkW::GetPath is not used: Wine answers it from the ANSI copy of the path, which loses Vietnamese letters.)
Function un.ShortcutTarget
  Exch $R0
  Push $R1
  Push $R2
  Push $R3
  Push $R4
  StrCpy $R3 ""
  System::Call "ole32::CoCreateInstance(g '{00021401-0000-0000-C000-000000000046}', p 0, i 1, g '{000214F9-0000-0000-C000-000000000046}', *p .R1) i .R2"
  ${If} $R2 = 0
    System::Call "$R1->0(g '{0000010b-0000-0000-C000-000000000046}', *p .R2) i .R4"
    ${If} $R4 = 0
      System::Call "$R2->5(w R0, i 0) i .R4"
      ${If} $R4 = 0
        System::Call "$R1->4(*p .R0) i .R4"
        ${If} $R4 = 0
          System::Call "shell32::SHGetPathFromIDListW(p R0, w .R3) i .R4"
          ${If} $R4 = 0
            StrCpy $R3 ""
          ${EndIf}
          System::Call "ole32::CoTaskMemFree(p R0)"
        ${EndIf}
      ${EndIf}
      System::Call "$R2->2()"
    ${EndIf}
    System::Call "$R1->2()"
  ${EndIf}
  StrCpy $R0 $R3
  Pop $R4
  Pop $R3
  Pop $R2
  Pop $R1
  Exch $R0
FunctionEnd

; Stack: a shortcut → deleted only when it starts this folder's kpdesk.exe (a copy elsewhere keeps its own).
Function un.DeleteOurShortcut
  Exch $R0
  Push $R1
  ${If} ${FileExists} $R0
    Push $R0
    Call un.ShortcutTarget
    Push "$INSTDIR\${APP_EXE}"
    Call un.SamePath
    Pop $R1
    ${If} $R1 == "1"
      Delete $R0
    ${EndIf}
  ${EndIf}
  Pop $R1
  Pop $R0
FunctionEnd

; Removes exactly what the installer recorded in the program's folder, and the shortcuts and Apps entry only when
; they belong to this folder. The user's drafts, units and backups (kept by kpdesk in its own data folder) stay,
; so a later install finds them again; so does anything else the user put in the program's folder.
Section "Uninstall"
  SetShellVarContext current
  !insertmacro WAIT_FOR_PROGRAMS "un."
  ${IfNot} ${FileExists} "$INSTDIR\${RECORD}"
    MessageBox MB_OK|MB_ICONSTOP "Không thấy danh sách tệp đã cài ($INSTDIR\${RECORD}) nên không biết tệp nào là của ${APP}: không gỡ gì. Hãy cài lại ${APP} vào thư mục này rồi gỡ." /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  Push "$SMPROGRAMS\${APP}.lnk"
  Call un.DeleteOurShortcut
  Push "$DESKTOP\${APP}.lnk"
  Call un.DeleteOurShortcut
  ReadRegStr $R0 HKCU "${UNINST_KEY}" "InstallLocation"
  ${If} $R0 != ""
    Push $R0
    Push $INSTDIR
    Call un.SamePath
    Pop $R1
    ${If} $R1 == "1"
      DeleteRegKey HKCU "${UNINST_KEY}"
    ${EndIf}
  ${EndIf}
  Call un.RemoveRecorded
  Delete "$INSTDIR\${RECORD}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
SectionEnd
