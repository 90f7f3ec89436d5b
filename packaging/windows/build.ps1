# Build photofind's Windows installer on Windows (the release workflow runs this on
# windows-latest): the icon set, the ONNX graph, the PyInstaller folder, then Inno Setup 6.
# Output: dist\photofind-VERSION-windows-x64-setup.exe. References: packaging/README.md.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$python = if ($env:PYTHON) { $env:PYTHON } else { ".venv\Scripts\python.exe" }
$version = & $python -c "import photofind; print(photofind.__version__)"

& $python packaging\icons.py build\icons
if (Test-Path build\models) { Remove-Item -Recurse -Force build\models }
& $python packaging\export_graph.py build\models
& $python -m PyInstaller --noconfirm --clean --distpath build\pyinstaller\dist `
    --workpath build\pyinstaller\work packaging\photofind.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

# Inno Setup 6.3 or later (x64compatible); preinstalled on GitHub's Windows runners.
$iscc = if ($env:ISCC) { $env:ISCC } else { "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" packaging\windows\photofind.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-ChildItem dist\*.exe | ForEach-Object { "{0}: {1:N1} MB" -f $_.Name, ($_.Length / 1MB) }
