; Inno Setup script of eTicket Guichet: installs the one-folder bundle built by installer.spec.
;
; Build the bundle first (dist\eticket-desk\), then, from the repository root:
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" installer\eticket-desk.iss
; which writes dist\eticket-desk-<version>-setup.exe. See docs/windows.md.
;
; The program goes to Program Files; the agents' data (database, backups, documents) lives in
; %LOCALAPPDATA%\eticket\eticket-desk and is neither installed nor removed by this setup.

#define AppName "eTicket Guichet"
#define AppExe "eticket-desk.exe"
#define Bundle "..\dist\eticket-desk"
#ifndef AppVersion
  ; The version resource PyInstaller wrote from eticket_desk.__version__ (e.g. 0.1.0.0).
  #define AppVersion GetVersionNumbersString(AddBackslash(SourcePath) + Bundle + "\" + AppExe)
#endif

[Setup]
; The AppId never changes: a new version installs over the old one (same uninstall entry).
AppId={{4C554177-E839-4FAC-B8A4-0256BB47AB39}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=eticket
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
SetupIconFile=..\resources\icons\eticket-desk.ico
OutputDir=..\dist
OutputBaseFilename=eticket-desk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Closes a running copy before files are replaced (an update at the mairie).
CloseApplications=yes

[Languages]
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may leave in its own folder; %LOCALAPPDATA% is kept.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
