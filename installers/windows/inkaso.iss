; Inno Setup 6 script for Inkaso: a per-user install of the PyInstaller build (dist\inkaso\).
;
;   iscc /DAppVersion=0.1.0 installers\windows\inkaso.iss
;
; build.ps1 next to this file runs PyInstaller (via installers\build.py) and then ISCC with the
; version from pyproject.toml. The installer lands in dist\Inkaso-<version>-setup.exe.
;
; Saved as UTF-8 with a BOM: Inno Setup then reads the Polish and Russian messages correctly.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z inkaso.iss (build.ps1 does this)
#endif
#define AppName "Inkaso"
#define AppPublisher "Inkaso"
#define GuiExe "inkaso-gui.exe"
#define CliExe "inkaso.exe"
; Relative to this script: the folder PyInstaller's COLLECT(name="inkaso") writes.
#define DistDir "..\..\dist\inkaso"

[Setup]
; Fixed forever: Windows recognises upgrades and the uninstaller by it. Never change it.
AppId={{6C3B9E52-7A1D-4F0B-9B8E-2D45A17C0E61}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
; Per-user by default (no UAC prompt, installs under %LOCALAPPDATA%\Programs); the dialog
; (or /ALLUSERS on the command line) lets an administrator install for everyone instead.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=Inkaso-{#AppVersion}-setup
SetupIconFile=..\..\build\icons\inkaso.ico
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Close a running Inkaso (window or tray) before replacing its files.
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=auto

[Languages]
Name: "pl"; MessagesFile: "compiler:Languages\Polish.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"

[CustomMessages]
en.StartWithWindows=Start Inkaso when I log in (minimised to the tray)
pl.StartWithWindows=Uruchamiaj Inkaso po zalogowaniu (zminimalizowane do zasobnika)
ru.StartWithWindows=Запускать Инкасо при входе в систему (свёрнутым в трей)
en.DataKept=Your data (the database, backups and logs) stays in %1. Delete that folder yourself if you no longer need it.
pl.DataKept=Twoje dane (baza danych, kopie zapasowe i dzienniki) pozostają w folderze %1. Usuń go samodzielnie, jeśli nie są już potrzebne.
ru.DataKept=Ваши данные (база данных, резервные копии и журналы) остаются в папке %1. Удалите её сами, если они больше не нужны.
en.Startup=Startup:
pl.Startup=Autostart:
ru.Startup=Автозапуск:
en.AppComment=Receivables, payment reminders and demand letters
pl.AppComment=Należności, przypomnienia o płatnościach i wezwania do zapłaty
ru.AppComment=Дебиторская задолженность, напоминания об оплате и претензии

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "startup"; Description: "{cm:StartWithWindows}"; GroupDescription: "{cm:Startup}"; Flags: unchecked

[Files]
; The whole one-folder build: both programs and the shared _internal\ folder.
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; Comment: "{cm:AppComment}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; Comment: "{cm:AppComment}"; Tasks: desktopicon

[Registry]
; "Start with the system": the same HKCU Run value the application writes and removes itself
; (desktop_app/autostart.py, RUN_VALUE "Inkaso"), so the installer, the wizard and Settings agree;
; the program starts minimised to the tray. uninsdeletevalue: no start at login once uninstalled.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "{#AppName}"; ValueData: """{app}\{#GuiExe}"" --minimized"; Tasks: startup; Flags: uninsdeletevalue

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes only what [Files] and [Icons] installed, i.e. {app} and the shortcuts.
; The user's data (database inkaso.db, settings, logs) lives in the platformdirs user data
; directory, %LOCALAPPDATA%\Inkaso\Inkaso (see desktop_app/paths.py), which this script never
; touches: there is deliberately no [UninstallDelete] entry for it, so uninstalling or upgrading
; keeps the user's receivables. Passwords stay in Windows Credential Manager (keyring) likewise.

[Code]
{ The uninstaller's last message says where the data stayed: it is never deleted (see the note above). }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\{#AppName}\{#AppName}')]),
      mbInformation, MB_OK);
end;
