<#
.SYNOPSIS
  Build kpdesk for Windows: the one-folder bundle (dist\kpdesk: kpdesk.exe, kpdesk-cli.exe, _internal\), its
  self-tests, and the installer (dist\kpdesk-VERSION-setup.exe).

.DESCRIPTION
  Run from any folder, in Windows PowerShell 5.1 or PowerShell 7, with Python 3.11 (64-bit) installed:

      powershell -ExecutionPolicy Bypass -File packaging\build-windows.ps1

  Steps: a virtual environment in build\venv with the pinned versions (packaging\constraints.txt); PyInstaller with
  build.spec; the bundle's shape and Qt plug-ins; optional signing; the self-tests: kpdesk-cli.exe with the real
  Windows platform plug-in (a missing qwindows.dll fails here, not at an officer's first start), the windowed
  kpdesk.exe offscreen, both from a folder named like a Windows user's (Vietnamese letters and spaces), and the
  source tree's; size and start times; packaging\make_installer.py compiles packaging\kpdesk.nsi.
  With -TestInstaller, an older version and this one are installed silently into such a folder (an upgrade), the
  installed program tests itself, and the uninstaller is checked to remove the program and leave the data alone.
  Every self-test's output is kept in build\logs. docs\packaging.md describes every step in Vietnamese.

.PARAMETER Python
  The Python 3.11 to build with (default: `py -3.11` when the launcher is there, else `python`).
.PARAMETER RequireInstaller
  Fail when makensis is not found (instead of skipping the installer).
.PARAMETER TestInstaller
  Install (an older version, then this one), self-test and uninstall the built installer. Refused on an account
  where kpdesk is installed: it would replace that installation.
.PARAMETER Publisher
  The department's name, shown as the publisher in Settings -> Apps and in the programs' Properties.
.PARAMETER CertificateThumbprint
  Sign with this code-signing certificate from the certificate store (Cert:\CurrentUser\My or LocalMachine\My):
  every unsigned .exe, .dll and .pyd of the bundle, the installer's plug-ins, the uninstaller and the installer.
.PARAMETER TimestampUrl
  The RFC 3161 timestamp server for signing (default: DigiCert's).
.PARAMETER SignTool
  signtool.exe to sign with (default: found on PATH or in the Windows SDK).
#>
[CmdletBinding()]
param(
    [string]$Python = "",
    [switch]$RequireInstaller,
    [switch]$TestInstaller,
    [string]$Publisher = "",
    [string]$CertificateThumbprint = "",
    [string]$TimestampUrl = "http://timestamp.digicert.com",
    [string]$SignTool = ""
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version 3.0
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$env:PYTHONUTF8 = "1"
$env:PYTHONIOENCODING = "utf-8"
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
if ($Publisher) { $env:KPDESK_PUBLISHER = $Publisher }
$Logs = Join-Path $Root "build\logs"
New-Item -ItemType Directory -Force $Logs | Out-Null
# GitHub Actions shows this file on the run's page (the bundle's size, the start times).
$Summary = if ($env:GITHUB_STEP_SUMMARY) { $env:GITHUB_STEP_SUMMARY } else { $null }
# A self-test that runs longer than this hangs (a windowed program's error box waits for a click): it is stopped.
$TimeoutSeconds = 300

function Step([string]$Text) { Write-Host ""; Write-Host "== $Text" -ForegroundColor Cyan }
function Fail([string]$Text) { Write-Host "LỖI: $Text" -ForegroundColor Red; exit 1 }
function Report([string]$Text) {
    Write-Host $Text
    if ($Summary) { [System.IO.File]::AppendAllText($Summary, "- $Text`n", (New-Object System.Text.UTF8Encoding $false)) }
}
# Native commands: their exit code is checked after every call ($ErrorActionPreference does not see it).
function Run([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { Fail "$Exe $($Arguments -join ' ') (mã $LASTEXITCODE)" }
}
function OutputOf([string]$Exe, [string[]]$Arguments) {
    $text = & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { Fail "$Exe $($Arguments -join ' ') (mã $LASTEXITCODE)" }
    return ($text -join "`n").Trim()
}

# Runs a program with its output in build\logs\<Log>.out.txt and .err.txt, shows it, and returns its exit code.
# Works for the windowed kpdesk.exe too (it has no console of its own); stops it after $TimeoutSeconds.
function Invoke-Program([string]$Exe, [string[]]$Arguments, [string]$Log, [switch]$Quiet) {
    $out = Join-Path $Logs "$Log.out.txt"
    $err = Join-Path $Logs "$Log.err.txt"
    $p = Start-Process -FilePath $Exe -ArgumentList $Arguments -WorkingDirectory (Split-Path -Parent $Exe) `
        -NoNewWindow -PassThru -RedirectStandardOutput $out -RedirectStandardError $err
    $null = $p.Handle  # keeps the exit code readable after the process ends (Windows PowerShell 5.1)
    if (-not $p.WaitForExit($TimeoutSeconds * 1000)) {
        Stop-Process -Id $p.Id -Force -ErrorAction SilentlyContinue
        Fail "$Exe $($Arguments -join ' '): chưa xong sau $TimeoutSeconds giây, đã dừng (có thể đang hiện hộp thoại lỗi; xem $out)"
    }
    $p.WaitForExit()
    if (-not $Quiet) {
        Get-Content -LiteralPath $out -Encoding UTF8 | Write-Host
        Get-Content -LiteralPath $err -Encoding UTF8 | Write-Host
    }
    return $p.ExitCode
}

function Invoke-Selftest([string]$Exe, [string]$Log, [string]$Platform) {
    $before = $env:QT_QPA_PLATFORM
    $env:QT_QPA_PLATFORM = $Platform
    try { $code = Invoke-Program $Exe @("--selftest") $Log }
    finally { $env:QT_QPA_PLATFORM = $before }
    if ($code -ne 0) { Fail "$Exe --selftest (mã $code; xem $Logs\$Log.out.txt)" }
    $text = Get-Content -LiteralPath (Join-Path $Logs "$Log.out.txt") -Encoding UTF8 -Raw
    if ($text -notmatch "nền tảng $Platform") { Fail "$Exe --selftest không chạy với nền tảng Qt «$Platform»" }
    # the style plug-in loads at run time: with the real platform it must be Windows' own, not Qt's fallback
    if ($Platform -eq "windows" -and $text -notmatch "giao diện (windows11|windowsvista)") {
        Fail "$Exe --selftest không nạp được giao diện Windows của Qt (thiếu plug-in kiểu giao diện?)"
    }
}

# ---------------------------------------------------------------- 1. Python environment
Step "Python 3.11 và các gói (build\venv, packaging\constraints.txt)"
$PyArgs = @()
if (-not $Python) {
    if (Get-Command py -ErrorAction SilentlyContinue) { $Python = "py"; $PyArgs = @("-3.11") }
    else { $Python = "python" }
}
$Venv = Join-Path $Root "build\venv"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path -LiteralPath $VenvPython)) { Run $Python ($PyArgs + @("-m", "venv", $Venv)) }
Run $VenvPython @("-c", "import sys; assert sys.version_info[:2] == (3, 11) and sys.maxsize > 2**32, sys.version")
Run $VenvPython @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
Run $VenvPython @("-m", "pip", "install", "--quiet", "-c", "packaging\constraints.txt", "-e", ".[build]")
$Version = OutputOf $VenvPython @("packaging\buildinfo.py", "version")
$PublisherName = OutputOf $VenvPython @("packaging\buildinfo.py", "publisher")
Write-Host "kpdesk $Version ($PublisherName)"

# ---------------------------------------------------------------- 2. PyInstaller
Step "PyInstaller: build.spec → dist\kpdesk"
$Dist = Join-Path $Root "dist"
$Bundle = Join-Path $Dist "kpdesk"
$Exe = Join-Path $Bundle "kpdesk.exe"
$Cli = Join-Path $Bundle "kpdesk-cli.exe"
if (Test-Path -LiteralPath $Bundle) { Remove-Item -Recurse -Force -LiteralPath $Bundle }
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Run $VenvPython @("-m", "PyInstaller", "build.spec", "--noconfirm", "--distpath", $Dist, "--workpath",
                  (Join-Path $Root "build\pyinstaller"), "--log-level", "WARN")
Write-Host ("build: {0:N1} s" -f $clock.Elapsed.TotalSeconds)

# ---------------------------------------------------------------- 3. The bundle's shape
Step "Bản đóng gói: kpdesk.exe, kpdesk-cli.exe, _internal và các plug-in Qt cần cho Windows"
$top = @(Get-ChildItem -LiteralPath $Bundle | ForEach-Object { $_.Name })
if (Compare-Object $top @("_internal", "kpdesk.exe", "kpdesk-cli.exe")) {
    Fail "$Bundle phải có đúng _internal, kpdesk.exe và kpdesk-cli.exe (đang có: $($top -join ', '))"
}
$plugins = @(Get-ChildItem -LiteralPath (Join-Path $Bundle "_internal") -Recurse -File -Filter "*.dll" |
    Where-Object { $_.Directory.Parent.Name -eq "plugins" } | ForEach-Object { "$($_.Directory.Name)\$($_.Name)" })
# The platform plug-in, and the native style (Qt 6.7+: qmodernwindowsstyle; before: qwindowsvistastyle).
if ($plugins -notcontains "platforms\qwindows.dll") { Fail "thiếu plug-in Qt platforms\qwindows.dll trong $Bundle (xem QT_PLUGINS_KEPT trong packaging\buildinfo.py)" }
if (-not (($plugins -contains "styles\qmodernwindowsstyle.dll") -or ($plugins -contains "styles\qwindowsvistastyle.dll"))) {
    Fail "thiếu plug-in kiểu giao diện Windows (styles\qmodernwindowsstyle.dll) trong $Bundle (xem QT_PLUGINS_KEPT trong packaging\buildinfo.py)"
}
Write-Host "plug-in Qt: $($plugins -join ', ')"
$files = @(Get-ChildItem -LiteralPath $Bundle -Recurse -File)
$bytes = ($files | Measure-Object -Property Length -Sum).Sum
Report ("Windows bundle: {0:N1} MiB in {1} files" -f ($bytes / 1MB), $files.Count)

# ---------------------------------------------------------------- 4. Signing (optional)
$SignCommand = ""
if ($CertificateThumbprint) {
    Step "Ký số bằng chứng thư $CertificateThumbprint"
    if (-not $SignTool) {
        $SignTool = (Get-Command signtool.exe -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source)
    }
    if (-not $SignTool) {
        $kits = Join-Path ${env:ProgramFiles(x86)} "Windows Kits\10\bin"
        if (Test-Path -LiteralPath $kits) {
            $SignTool = (Get-ChildItem -LiteralPath $kits -Recurse -File -Filter signtool.exe |
                Where-Object { $_.Directory.Name -eq "x64" } | Sort-Object FullName -Descending |
                Select-Object -First 1 -ExpandProperty FullName)
        }
    }
    if (-not $SignTool) { Fail "không tìm thấy signtool.exe (cài Windows SDK, hoặc chỉ đường bằng -SignTool)" }
    $signArgs = @("sign", "/sha1", $CertificateThumbprint, "/fd", "SHA256", "/tr", $TimestampUrl, "/td", "SHA256")
    # Smart App Control checks every program and library it loads: sign all that nobody has signed yet
    # (python311.dll and Qt's libraries come signed by their makers).
    $unsigned = @(Get-ChildItem -LiteralPath $Bundle -Recurse -File |
        Where-Object { $_.Extension -in @(".exe", ".dll", ".pyd") } |
        Where-Object { (Get-AuthenticodeSignature -LiteralPath $_.FullName).Status -eq "NotSigned" } |
        ForEach-Object { $_.FullName })
    Write-Host "ký $($unsigned.Count) tệp chưa có chữ ký"
    for ($i = 0; $i -lt $unsigned.Count; $i += 50) {
        Run $SignTool ($signArgs + $unsigned[$i..([Math]::Min($i + 49, $unsigned.Count - 1))])
    }
    Run $SignTool @("verify", "/pa", $Exe, $Cli)
    # For make_installer.py (an environment variable: Windows PowerShell 5.1 cannot pass quotes to a program).
    $SignCommand = "`"$SignTool`" $($signArgs -join ' ') `"%1`""
}

# ---------------------------------------------------------------- 5. Self-tests
Step "kpdesk-cli.exe --selftest với nền tảng Qt thật của Windows (qwindows.dll)"
Invoke-Selftest $Cli "selftest-cli-windows" "windows"

Step "kpdesk.exe --selftest (chương trình có cửa sổ, không màn hình)"
Invoke-Selftest $Exe "selftest-windowed" "offscreen"

Step "kpdesk.exe và kpdesk-cli.exe trong thư mục có dấu và dấu cách"
$VnRoot = Join-Path $env:TEMP "kpdesk kiểm tra\Nguyễn Văn A"
$VnProgram = Join-Path $VnRoot "AppData\Local\Programs\kpdesk"
if (Test-Path -LiteralPath $VnRoot) { Remove-Item -Recurse -Force -LiteralPath $VnRoot }
New-Item -ItemType Directory -Force (Split-Path -Parent $VnProgram) | Out-Null
Copy-Item -Recurse -LiteralPath $Bundle -Destination $VnProgram
Invoke-Selftest (Join-Path $VnProgram "kpdesk.exe") "selftest-windowed-vietnamese-folder" "offscreen"
Invoke-Selftest (Join-Path $VnProgram "kpdesk-cli.exe") "selftest-cli-vietnamese-folder" "windows"
Remove-Item -Recurse -Force -LiteralPath (Split-Path -Parent $VnRoot)

Step "python -m ui.launch --selftest (mã nguồn)"
$env:QT_QPA_PLATFORM = "offscreen"
Run $VenvPython @("-m", "ui.launch", "--selftest")

# ---------------------------------------------------------------- 6. Start times
Step "Thời gian khởi động (bản đóng gói so với mã nguồn)"
# Both the same way (a direct call; the pipe makes PowerShell wait), the best of 3; kpdesk-cli is the bundle's
# console program, so it runs like python does.
function Measure-Best([string]$Exe, [string[]]$Arguments) {
    $best = [double]::MaxValue
    foreach ($i in 1..3) {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        & $Exe @Arguments | Out-Null
        $seconds = $clock.Elapsed.TotalSeconds
        if ($LASTEXITCODE -ne 0) { Fail "$Exe $($Arguments -join ' ') (mã $LASTEXITCODE)" }
        $best = [Math]::Min($best, $seconds)
    }
    return $best
}
$frozenVersion = Measure-Best $Cli @("--version")
$sourceVersion = Measure-Best $VenvPython @("-m", "ui.launch", "--version")
$frozenSelftest = Measure-Best $Cli @("--selftest")
$sourceSelftest = Measure-Best $VenvPython @("-m", "ui.launch", "--selftest")
Report ("start, best of 3: kpdesk-cli --version {0:N3} s frozen / {1:N3} s source ({2:N2}x, goal 1.2x); --selftest {3:N2} s / {4:N2} s ({5:N2}x)" -f `
    $frozenVersion, $sourceVersion, ($frozenVersion / $sourceVersion), $frozenSelftest, $sourceSelftest, ($frozenSelftest / $sourceSelftest))

# ---------------------------------------------------------------- 7. Installer
Step "NSIS: packaging\kpdesk.nsi → dist\kpdesk-$Version-setup.exe"
$Makensis = (Get-Command makensis -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source)
if (-not $Makensis) {
    foreach ($dir in @(${env:ProgramFiles(x86)}, $env:ProgramFiles)) {
        if ($dir -and (Test-Path -LiteralPath (Join-Path $dir "NSIS\makensis.exe"))) { $Makensis = Join-Path $dir "NSIS\makensis.exe" }
    }
}
if (-not $Makensis) {
    if ($RequireInstaller -or $TestInstaller) { Fail "không tìm thấy makensis (cài NSIS: winget install NSIS.NSIS)" }
    Write-Host "(không có makensis: bỏ qua bộ cài; cài NSIS bằng: winget install NSIS.NSIS)"
    exit 0
}
$Setup = Join-Path $Dist "kpdesk-$Version-setup.exe"
$env:KPDESK_SIGN_COMMAND = $SignCommand
Run $VenvPython @("packaging\make_installer.py", $Bundle, "--out", $Setup, "--makensis", $Makensis)
Report ("installer: {0:N1} MiB ({1})" -f ((Get-Item -LiteralPath $Setup).Length / 1MB), (Split-Path -Leaf $Setup))

if (-not $TestInstaller) { Step "OK"; exit 0 }

# ---------------------------------------------------------------- 8. Install, upgrade, self-test, uninstall
Step "Cài bản cũ rồi nâng cấp lên bản này (không cần quyền quản trị) vào thư mục có dấu, tự kiểm tra, rồi gỡ"
$UninstKey = "HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall\kpdesk"
if (Test-Path -Path $UninstKey) {
    $where = (Get-ItemProperty -Path $UninstKey).InstallLocation
    Fail "tài khoản này đã cài kpdesk ($where); -TestInstaller sẽ thay và gỡ bản đó. Hãy chạy trên máy (hoặc tài khoản) chưa cài kpdesk."
}
# Under %LOCALAPPDATA%, not %TEMP%: on GitHub's runners %TEMP% is an 8.3 short path (C:\Users\RUNNER~1\…), which
# shortcuts and the registry would then give back in its long form.
$TestRoot = Join-Path $env:LOCALAPPDATA "kpdesk cài thử"
$Target = Join-Path $TestRoot "Nguyễn Văn A\Chương trình\kpdesk"
if (Test-Path -LiteralPath $TestRoot) { Remove-Item -Recurse -Force -LiteralPath $TestRoot }

# The older version: this bundle plus a file and a folder that only it has, installed as version 0.0.0.
$OldVersion = "0.0.0"
$OldBundle = Join-Path $TestRoot "bản cũ\kpdesk"
New-Item -ItemType Directory -Force (Split-Path -Parent $OldBundle) | Out-Null
Copy-Item -Recurse -LiteralPath $Bundle -Destination $OldBundle
$OldOnly = "_internal\chỉ bản cũ\tệp cũ.txt"
New-Item -ItemType Directory -Force (Split-Path -Parent (Join-Path $OldBundle $OldOnly)) | Out-Null
Set-Content -LiteralPath (Join-Path $OldBundle $OldOnly) -Value "chỉ bản cũ có tệp này" -Encoding UTF8
$OldSetup = Join-Path $TestRoot "kpdesk-$OldVersion-setup.exe"
Run $VenvPython @("packaging\make_installer.py", $OldBundle, "--out", $OldSetup, "--version", $OldVersion, "--makensis", $Makensis)

# Something of the officer's in the data folder: it must come through upgrade and uninstall byte for byte.
$DataDir = Join-Path $env:LOCALAPPDATA "kpdesk"
$Keep = Join-Path $DataDir "giữ nguyên khi cài và gỡ.txt"
$DataDirExisted = Test-Path -LiteralPath $DataDir
New-Item -ItemType Directory -Force $DataDir | Out-Null
Set-Content -LiteralPath $Keep -Value "kpdesk: the installer and the uninstaller must not touch the data folder" -Encoding UTF8
$KeepHash = (Get-FileHash -LiteralPath $Keep).Hash

$Shell = New-Object -ComObject WScript.Shell
$Links = @((Join-Path ([Environment]::GetFolderPath("Programs")) "kpdesk.lnk"),
           (Join-Path ([Environment]::GetFolderPath("Desktop")) "kpdesk.lnk"))
function Install-Silently([string]$Installer, [string]$Expected) {
    # /D= must come last and unquoted, even with spaces: one argument string, passed as it is.
    $p = Start-Process -FilePath $Installer -ArgumentList "/S /D=$Target" -Wait -PassThru
    if ($p.ExitCode -ne 0) { Fail "$Installer /S trả về mã $($p.ExitCode)" }
    $reg = Get-ItemProperty -Path $UninstKey
    if ($reg.DisplayVersion -ne $Expected -or $reg.InstallLocation -ne $Target -or $reg.Publisher -ne $PublisherName) {
        Fail "khóa gỡ cài đặt sai sau khi cài $Expected`: $($reg | Out-String)"
    }
    foreach ($lnk in $Links) {
        if (-not (Test-Path -LiteralPath $lnk)) { Fail "không thấy lối tắt $lnk" }
        # (not "$target": PowerShell's names ignore case, and that would be $Target)
        $linkTarget = $Shell.CreateShortcut($lnk).TargetPath
        if ($linkTarget -ne (Join-Path $Target "kpdesk.exe")) { Fail "lối tắt $lnk trỏ tới $linkTarget" }
    }
    if ((Get-FileHash -LiteralPath $Keep).Hash -ne $KeepHash) { Fail "bộ cài đã đụng vào $Keep" }
}

Install-Silently $OldSetup $OldVersion
if (-not (Test-Path -LiteralPath (Join-Path $Target $OldOnly))) { Fail "bản cũ thiếu $OldOnly sau khi cài" }

Install-Silently $Setup $Version
if (Test-Path -LiteralPath (Join-Path $Target $OldOnly)) { Fail "nâng cấp mà vẫn còn tệp của bản cũ: $OldOnly" }
if (Test-Path -LiteralPath (Join-Path $Target "_internal\chỉ bản cũ")) { Fail "nâng cấp mà vẫn còn thư mục của bản cũ" }
Invoke-Selftest (Join-Path $Target "kpdesk-cli.exe") "selftest-installed-cli" "windows"
Invoke-Selftest (Join-Path $Target "kpdesk.exe") "selftest-installed-windowed" "offscreen"

# As Settings → Apps does: the uninstaller copies itself to %TEMP% and returns at once; wait for the copy.
$p = Start-Process -FilePath (Join-Path $Target "uninstall.exe") -ArgumentList "/S" -Wait -PassThru
if ($p.ExitCode -ne 0) { Fail "trình gỡ cài đặt trả về mã $($p.ExitCode)" }
$clock = [System.Diagnostics.Stopwatch]::StartNew()
while (((Test-Path -LiteralPath $Target) -or (Test-Path -Path $UninstKey)) -and $clock.Elapsed.TotalSeconds -lt 120) {
    Start-Sleep -Milliseconds 500
}
if (Test-Path -LiteralPath $Target) { Fail "gỡ rồi mà vẫn còn $Target" }
if (Test-Path -Path $UninstKey) { Fail "gỡ rồi mà vẫn còn khóa $UninstKey" }
foreach ($lnk in $Links) { if (Test-Path -LiteralPath $lnk) { Fail "gỡ rồi mà vẫn còn lối tắt $lnk" } }
if ((Get-FileHash -LiteralPath $Keep).Hash -ne $KeepHash) { Fail "trình gỡ cài đặt đã đụng vào $Keep" }
Remove-Item -LiteralPath $Keep -Force
if (-not $DataDirExisted -and -not (Get-ChildItem -Force -LiteralPath $DataDir)) { Remove-Item -LiteralPath $DataDir }
Remove-Item -Recurse -Force -LiteralPath $TestRoot
Step "OK: cài, nâng cấp, tự kiểm tra và gỡ đều đúng; thư mục dữ liệu không bị đụng tới"
