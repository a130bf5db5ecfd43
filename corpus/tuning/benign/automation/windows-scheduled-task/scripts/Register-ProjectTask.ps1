param(
    [Parameter(Mandatory)] [string] $Name,
    [Parameter(Mandatory)] [string] $Script,
    [Parameter(Mandatory)] [string] $At,
    [switch] $Weekdays
)
$ErrorActionPreference = 'Stop'
if (-not (Test-Path $Script)) { throw "Script not found: $Script" }

$action = New-ScheduledTaskAction -Execute 'powershell.exe' `
    -Argument "-NoProfile -ExecutionPolicy Bypass -File `"$Script`"" `
    -WorkingDirectory (Split-Path $Script -Parent)

$trigger = if ($Weekdays) {
    New-ScheduledTaskTrigger -Weekly -DaysOfWeek Monday, Tuesday, Wednesday, Thursday, Friday -At $At
} else {
    New-ScheduledTaskTrigger -Daily -At $At
}

$principal = New-ScheduledTaskPrincipal -UserId "$env:USERDOMAIN\$env:USERNAME" -LogonType Interactive -RunLevel Limited
$settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -ExecutionTimeLimit (New-TimeSpan -Hours 1)

Write-Host "Task:      \Projects\$Name"
Write-Host "Runs:      $Script"
Write-Host "Schedule:  $(if ($Weekdays) {'weekdays'} else {'daily'}) at $At, as $env:USERNAME (not elevated)"
$ok = Read-Host "Register? [y/N]"
if ($ok -ne 'y') { Write-Host 'Cancelled.'; exit 1 }

Register-ScheduledTask -TaskPath '\Projects\' -TaskName $Name -Action $action -Trigger $trigger `
    -Principal $principal -Settings $settings -Description "Created with the user's approval for $Script" | Out-Null
Write-Host "Registered. Remove with: Unregister-ScheduledTask -TaskPath '\Projects\' -TaskName '$Name'"
