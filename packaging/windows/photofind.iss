; Inno Setup 6 script: the per-user Windows installer for photofind (no administrator rights).
; Built by packaging/windows/build.ps1 after PyInstaller: ISCC /DAppVersion=0.1.0 photofind.iss
; Every directive and flag checked against the Inno Setup help, https://jrsoftware.org/ishelp/
; (pages cited in packaging/README.md, "Windows").

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root "..\.."

[Setup]
; AppId identifies the app for upgrades and the uninstaller: never change it.
AppId={{541BC334-832B-4B38-8358-0DE8342AC41A}
AppName=photofind
AppVersion={#AppVersion}
AppPublisher=photofind developers
AppComments=Find visually similar photos and tag them, on your own machine
; Per user: installs in %LOCALAPPDATA%\Programs, writes only HKCU, asks for no elevation.
PrivilegesRequired=lowest
DefaultDirName={autopf}\photofind
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=photofind-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\build\icons\photofind.ico
UninstallDisplayIcon={app}\photofind.exe
UninstallDisplayName=photofind
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Tell Explorer that file types changed, so the verb and "Open with" show without a restart.
ChangesAssociations=yes
; Close a running photofind before replacing its files (Restart Manager).
CloseApplications=yes

[Tasks]
Name: "similarverb"; Description: "Add ""Find similar with photofind"" to the right-click menu of photos"; GroupDescription: "File Explorer:"
; Offered, not forced: photofind joins "Open with"; the default app stays the user's choice.
Name: "openwith"; Description: "List photofind under ""Open with"" for photos"; GroupDescription: "File Explorer:"
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\build\pyinstaller\dist\photofind\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\photofind"; Filename: "{app}\photofind.exe"; Comment: "Find visually similar photos"
Name: "{autodesktop}\photofind"; Filename: "{app}\photofind.exe"; Tasks: desktopicon

[Registry]
; The verb on each image type, under SystemFileAssociations so it stays whatever app is the
; default. uninsdeletekey removes it on uninstall. Explorer runs one command per selected file.
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jpg\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jpe\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jfif\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.hif\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jpg\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jpe\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jfif\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.hif\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jpg\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jpe\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jfif\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.hif\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jpeg\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jpeg\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.jpeg\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.png\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.png\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.png\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.webp\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.webp\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.webp\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.tif\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.tif\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.tif\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.tiff\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.tiff\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.tiff\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.bmp\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.bmp\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.bmp\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.gif\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.gif\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.gif\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.heic\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.heic\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.heic\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.heif\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.heif\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.heif\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.arw\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.arw\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.arw\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.cr2\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.cr2\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.cr2\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.cr3\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.cr3\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.cr3\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.dng\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.dng\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.dng\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.nef\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.nef\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.nef\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.nrw\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.nrw\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.nrw\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.orf\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.orf\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.orf\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.pef\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.pef\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.pef\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.raf\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.raf\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.raf\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.rw2\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.rw2\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.rw2\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.srw\shell\photofind.similar"; ValueType: string; ValueName: ""; ValueData: "Find similar with photofind"; Flags: uninsdeletekey; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.srw\shell\photofind.similar"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\photofind.exe,0"; Tasks: similarverb
Root: HKCU; Subkey: "Software\Classes\SystemFileAssociations\.srw\shell\photofind.similar\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: similarverb

; "Open with": a ProgID of our own, listed in each type's OpenWithProgids (never its default).
Root: HKCU; Subkey: "Software\Classes\photofind.Image"; ValueType: string; ValueName: ""; ValueData: "Photo (photofind)"; Flags: uninsdeletekey; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\photofind.Image"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "photofind"; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\photofind.Image\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\photofind.exe,0"; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\photofind.Image\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\photofind.exe"" --similar ""%1"""; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.jpg\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.jpe\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.jfif\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.hif\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.jpeg\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.png\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.webp\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.tif\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.tiff\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.bmp\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.gif\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.heic\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.heif\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.arw\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.cr2\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.cr3\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.dng\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.nef\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.nrw\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.orf\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.pef\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.raf\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.rw2\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith
Root: HKCU; Subkey: "Software\Classes\.srw\OpenWithProgids"; ValueType: string; ValueName: "photofind.Image"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: openwith

[Run]
Filename: "{app}\photofind.exe"; Description: "{cm:LaunchProgram,photofind}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the uninstaller removes what it installed (the app folder's files, the
; shortcuts, the registry keys above) and never the library in %LOCALAPPDATA%\photofind.
