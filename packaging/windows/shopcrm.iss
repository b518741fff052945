; Inno Setup script: a per-user install (no admin rights at the shop counter) of the PyInstaller
; folder. Built by .github/workflows/release.yml:
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\shopcrm-0.1.0 /O..\..\dist\windows shopcrm.iss
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\shopcrm-" + AppVersion
#endif

[Setup]
AppId={{6E0B5C2A-1F7D-4D8E-9B61-5A3C0E2F7D41}
AppName=shopcrm
AppVersion={#AppVersion}
AppPublisher=shopcrm
DefaultDirName={autopf}\shopcrm
DefaultGroupName=shopcrm
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputBaseFilename=shopcrm-{#AppVersion}-windows-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\shopcrm.exe
WizardStyle=modern

[Languages]
Name: "ja"; MessagesFile: "compiler:Languages\Japanese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\shopcrm"; Filename: "{app}\shopcrm.exe"
Name: "{group}\{cm:UninstallProgram,shopcrm}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\shopcrm"; Filename: "{app}\shopcrm.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\shopcrm.exe"; Description: "{cm:LaunchProgram,shopcrm}"; Flags: nowait postinstall skipifsilent
