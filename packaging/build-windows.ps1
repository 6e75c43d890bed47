<#
.SYNOPSIS
  Build kpdesk for Windows: the one-folder bundle (dist\kpdesk\kpdesk.exe), its self-test, and the installer
  (dist\kpdesk-VERSION-setup.exe).

.DESCRIPTION
  Run from any folder, in Windows PowerShell 5.1 or PowerShell 7, with Python 3.11 (64-bit) installed:

      powershell -ExecutionPolicy Bypass -File packaging\build-windows.ps1

  Steps: a virtual environment in build\venv with the pinned versions (packaging\constraints.txt); PyInstaller with
  build.spec; `kpdesk.exe --selftest` from dist\kpdesk and from a copy in a folder named like a Windows user's
  (letters with Vietnamese marks and spaces); size and start times; makensis compiles packaging\kpdesk.nsi.
  With -TestInstaller, the installer is also run silently into such a folder, the installed program's self-test
  runs, and the uninstaller is checked to remove the program and leave the data folder alone.
  docs\packaging.md describes every step in Vietnamese.

.PARAMETER Python
  The Python 3.11 to build with (default: `py -3.11` when the launcher is there, else `python`).
.PARAMETER RequireInstaller
  Fail when makensis is not found (instead of skipping the installer).
.PARAMETER TestInstaller
  Install, self-test and uninstall the built installer (for CI and test machines).
#>
[CmdletBinding()]
param(
    [string]$Python = "",
    [switch]$RequireInstaller,
    [switch]$TestInstaller
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version 3.0
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$env:PYTHONUTF8 = "1"
$env:PYTHONIOENCODING = "utf-8"
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8

function Step([string]$Text) { Write-Host ""; Write-Host "== $Text" -ForegroundColor Cyan }
function Fail([string]$Text) { Write-Host "LỖI: $Text" -ForegroundColor Red; exit 1 }
function Run([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { Fail "$Exe $($Arguments -join ' ') (mã $LASTEXITCODE)" }
}

# kpdesk.exe is a windowed program: run it with its output redirected to files and wait for it.
function Invoke-Windowed([string]$Exe, [string[]]$Arguments, [string]$WorkDir, [switch]$Quiet) {
    $out = [System.IO.Path]::GetTempFileName()
    $err = [System.IO.Path]::GetTempFileName()
    $p = Start-Process -FilePath $Exe -ArgumentList $Arguments -WorkingDirectory $WorkDir -NoNewWindow -Wait `
        -PassThru -RedirectStandardOutput $out -RedirectStandardError $err
    if (-not $Quiet) {
        Get-Content -LiteralPath $out -Encoding UTF8 | Write-Host
        Get-Content -LiteralPath $err -Encoding UTF8 | Write-Host
    }
    Remove-Item -LiteralPath $out, $err -Force
    return $p.ExitCode
}

function Invoke-Selftest([string]$Exe) {
    $code = Invoke-Windowed $Exe @("--selftest") (Split-Path -Parent $Exe)
    if ($code -ne 0) { Fail "$Exe --selftest (mã $code)" }
}

# ---------------------------------------------------------------- 1. Python environment
Step "Python 3.11 và các gói (build\venv, packaging\constraints.txt)"
if (-not $Python) {
    if (Get-Command py -ErrorAction SilentlyContinue) { $Python = "py" ; $PyArgs = @("-3.11") }
    else { $Python = "python"; $PyArgs = @() }
} else { $PyArgs = @() }
$Venv = Join-Path $Root "build\venv"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $VenvPython)) { Run $Python ($PyArgs + @("-m", "venv", $Venv)) }
Run $VenvPython @("-c", "import sys; assert sys.version_info[:2] == (3, 11) and sys.maxsize > 2**32, sys.version")
Run $VenvPython @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
Run $VenvPython @("-m", "pip", "install", "--quiet", "-c", "packaging\constraints.txt", "-e", ".[build]")
$Version = (& $VenvPython packaging\buildinfo.py version).Trim()
$Version4 = (& $VenvPython packaging\buildinfo.py version4).Trim()
Write-Host "kpdesk $Version"

# ---------------------------------------------------------------- 2. PyInstaller
Step "PyInstaller: build.spec → dist\kpdesk"
$Dist = Join-Path $Root "dist"
$Bundle = Join-Path $Dist "kpdesk"
$Exe = Join-Path $Bundle "kpdesk.exe"
if (Test-Path $Bundle) { Remove-Item -Recurse -Force $Bundle }
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Run $VenvPython @("-m", "PyInstaller", "build.spec", "--noconfirm", "--distpath", $Dist, "--workpath",
                  (Join-Path $Root "build\pyinstaller"), "--log-level", "WARN")
if (-not (Test-Path $Exe)) { Fail "không thấy $Exe" }
Write-Host ("build: {0:N1} s" -f $clock.Elapsed.TotalSeconds)

# ---------------------------------------------------------------- 3. Self-test
$env:QT_QPA_PLATFORM = "offscreen"
Step "kpdesk.exe --selftest"
Invoke-Selftest $Exe

Step "kpdesk.exe --selftest trong thư mục có dấu và dấu cách"
$VnRoot = Join-Path $env:TEMP "kpdesk kiểm tra\Nguyễn Văn A"
$VnProgram = Join-Path $VnRoot "AppData\Local\Programs\kpdesk"
if (Test-Path $VnRoot) { Remove-Item -Recurse -Force $VnRoot }
New-Item -ItemType Directory -Force (Split-Path -Parent $VnProgram) | Out-Null
Copy-Item -Recurse $Bundle $VnProgram
Invoke-Selftest (Join-Path $VnProgram "kpdesk.exe")
Remove-Item -Recurse -Force (Split-Path -Parent $VnRoot)

# ---------------------------------------------------------------- 4. Size and start times
Step "Dung lượng và thời gian khởi động"
$files = Get-ChildItem -Recurse -File $Bundle
$mb = ($files | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("bundle: {0:N0} MB in {1} files ({2})" -f $mb, $files.Count, $Bundle)
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Invoke-Windowed $Exe @("--selftest") $Bundle -Quiet | Out-Null
$frozen = $clock.Elapsed.TotalSeconds
$clock = [System.Diagnostics.Stopwatch]::StartNew()
& $VenvPython -m ui.launch --selftest | Out-Null
$source = $clock.Elapsed.TotalSeconds
Write-Host ("frozen:  kpdesk.exe --selftest            {0,6:N2} s" -f $frozen)
Write-Host ("source:  python -m ui.launch --selftest      {0,6:N2} s" -f $source)

# ---------------------------------------------------------------- 5. Installer
Step "NSIS: packaging\kpdesk.nsi → dist\kpdesk-$Version-setup.exe"
$Makensis = (Get-Command makensis -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source)
if (-not $Makensis) {
    foreach ($dir in @(${env:ProgramFiles(x86)}, $env:ProgramFiles)) {
        if ($dir -and (Test-Path (Join-Path $dir "NSIS\makensis.exe"))) { $Makensis = Join-Path $dir "NSIS\makensis.exe" }
    }
}
if (-not $Makensis) {
    if ($RequireInstaller -or $TestInstaller) { Fail "không tìm thấy makensis (cài NSIS: winget install NSIS.NSIS)" }
    Write-Host "(không có makensis: bỏ qua bộ cài; cài NSIS bằng: winget install NSIS.NSIS)"
    exit 0
}
$Setup = Join-Path $Dist "kpdesk-$Version-setup.exe"
Run $Makensis @("/V2", "/DVERSION=$Version", "/DVIVERSION=$Version4", "/DDIST=$Bundle", "/DOUTFILE=$Setup",
                (Join-Path $Root "packaging\kpdesk.nsi"))
Write-Host ("installer: {0:N0} MB ({1})" -f ((Get-Item $Setup).Length / 1MB), $Setup)

if (-not $TestInstaller) { Step "OK"; exit 0 }

# ---------------------------------------------------------------- 6. Install, self-test, uninstall
Step "Cài thử (không cần quyền quản trị) vào thư mục có dấu, tự kiểm tra, rồi gỡ"
$Target = Join-Path $env:TEMP "kpdesk cài thử\Nguyễn Văn A\Programs\kpdesk"
$DataDir = Join-Path $env:LOCALAPPDATA "kpdesk"
$Keep = Join-Path $DataDir "giữ nguyên khi gỡ.txt"
$DataDirExisted = Test-Path -LiteralPath $DataDir
New-Item -ItemType Directory -Force $DataDir | Out-Null
Set-Content -LiteralPath $Keep -Value "kpdesk: the uninstaller must not touch the data folder" -Encoding UTF8
$UninstKey = "HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall\kpdesk"

# /D= must come last and unquoted, even with spaces.
$p = Start-Process -FilePath $Setup -ArgumentList @("/S", "/D=$Target") -Wait -PassThru
if ($p.ExitCode -ne 0) { Fail "bộ cài trả về mã $($p.ExitCode)" }
$Installed = Join-Path $Target "kpdesk.exe"
if (-not (Test-Path -LiteralPath $Installed)) { Fail "không thấy $Installed sau khi cài" }
$reg = Get-ItemProperty -Path $UninstKey
if ($reg.DisplayVersion -ne $Version -or $reg.InstallLocation -ne $Target) { Fail "khóa gỡ cài đặt sai: $($reg | Out-String)" }
$StartMenu = Join-Path ([Environment]::GetFolderPath("Programs")) "kpdesk.lnk"
$Desktop = Join-Path ([Environment]::GetFolderPath("Desktop")) "kpdesk.lnk"
foreach ($lnk in @($StartMenu, $Desktop)) { if (-not (Test-Path -LiteralPath $lnk)) { Fail "không thấy lối tắt $lnk" } }
Invoke-Selftest $Installed

# Upgrade in place: the same installer again, over the installed version.
$p = Start-Process -FilePath $Setup -ArgumentList @("/S", "/D=$Target") -Wait -PassThru
if ($p.ExitCode -ne 0) { Fail "cài đè (nâng cấp) trả về mã $($p.ExitCode)" }
Invoke-Selftest $Installed

# As Settings → Apps does: the uninstaller copies itself to %TEMP% and returns at once; wait for the copy.
$p = Start-Process -FilePath (Join-Path $Target "uninstall.exe") -ArgumentList @("/S") -Wait -PassThru
if ($p.ExitCode -ne 0) { Fail "trình gỡ cài đặt trả về mã $($p.ExitCode)" }
$clock = [System.Diagnostics.Stopwatch]::StartNew()
while (((Test-Path -LiteralPath $Target) -or (Test-Path -Path $UninstKey)) -and $clock.Elapsed.TotalSeconds -lt 120) {
    Start-Sleep -Milliseconds 500
}
if (Test-Path -LiteralPath $Target) { Fail "gỡ rồi mà vẫn còn $Target" }
if (Test-Path -Path $UninstKey) { Fail "gỡ rồi mà vẫn còn khóa $UninstKey" }
foreach ($lnk in @($StartMenu, $Desktop)) { if (Test-Path -LiteralPath $lnk) { Fail "gỡ rồi mà vẫn còn lối tắt $lnk" } }
if (-not (Test-Path -LiteralPath $Keep)) { Fail "trình gỡ cài đặt đã đụng vào thư mục dữ liệu $DataDir" }
Remove-Item -LiteralPath $Keep -Force
if (-not $DataDirExisted -and -not (Get-ChildItem -Force -LiteralPath $DataDir)) { Remove-Item -LiteralPath $DataDir }
Remove-Item -Recurse -Force (Join-Path $env:TEMP "kpdesk cài thử")
Step "OK: cài, nâng cấp, tự kiểm tra và gỡ đều đúng; thư mục dữ liệu không bị đụng tới"
