# Build the Windows installer: PyInstaller one-folder build, then Inno Setup.
#
#   powershell -ExecutionPolicy Bypass -File installers\windows\build.ps1 [-Python py] [-SkipFreeze] [-NoSmoke]
#
# Needs Python 3.11 (x64) and Inno Setup 6 (ISCC.exe on PATH, or in its default folder).
# Writes dist\inkaso\ (via installers\build.py, which also smoke-tests it) and
# dist\Inkaso-<version>-setup.exe. The version comes from pyproject.toml and reaches the
# script as /DAppVersion=<version>.
[CmdletBinding()]
param(
    [string]$Python = "py",
    [switch]$SkipFreeze,
    [switch]$NoSmoke
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    Write-Host "> $Exe $($Arguments -join ' ')"
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe exited with $LASTEXITCODE" }
}

$PyArgs = @()
if ($Python -eq "py") { $PyArgs = @("-3.11") }

if (-not $SkipFreeze) {
    $BuildArgs = $PyArgs + @("installers\build.py")
    if ($NoSmoke) { $BuildArgs += "--no-smoke" }
    Invoke-Checked $Python $BuildArgs
}
if (-not (Test-Path "dist\inkaso\inkaso-gui.exe")) { throw "dist\inkaso\inkaso-gui.exe is missing; build first" }
if (-not (Test-Path "build\icons\inkaso.ico")) {
    Invoke-Checked "build\venv\Scripts\python.exe" @("installers\render_icons.py", "build\icons")
}

$Version = (& $Python @PyArgs -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])").Trim()
if ($LASTEXITCODE -ne 0 -or -not $Version) { throw "cannot read the version from pyproject.toml" }

$Iscc = (Get-Command "ISCC.exe" -ErrorAction SilentlyContinue).Source
if (-not $Iscc) {
    foreach ($Candidate in @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
        "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")) {
        if (Test-Path $Candidate) { $Iscc = $Candidate; break }
    }
}
if (-not $Iscc) { throw "ISCC.exe not found: install Inno Setup 6 (winget install JRSoftware.InnoSetup)" }

Invoke-Checked $Iscc @("/Qp", "/DAppVersion=$Version", "installers\windows\inkaso.iss")
Write-Host "installer: $(Join-Path $Root "dist\Inkaso-$Version-setup.exe")"
