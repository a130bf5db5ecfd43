#requires -Version 7
param(
    [Parameter(Mandatory)] [int] $Board,
    [string] $OutFile = "sprint-report.md"
)
$ErrorActionPreference = 'Stop'

foreach ($v in 'JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN') {
    if (-not (Get-Item "env:$v" -ErrorAction SilentlyContinue)) { throw "$v is not set" }
}
$pair = "$($env:JIRA_EMAIL):$($env:JIRA_API_TOKEN)"
$auth = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($pair))
$headers = @{ Authorization = "Basic $auth"; Accept = 'application/json' }
$base = $env:JIRA_BASE_URL.TrimEnd('/')

$sprint = (Invoke-RestMethod -Headers $headers -Uri "$base/rest/agile/1.0/board/$Board/sprint?state=active").values | Select-Object -First 1
if (-not $sprint) { throw "No active sprint on board $Board" }

$issues = @()
$start = 0
do {
    $page = Invoke-RestMethod -Headers $headers -Uri "$base/rest/agile/1.0/sprint/$($sprint.id)/issue?startAt=$start&maxResults=100&fields=summary,status,assignee,flagged"
    $issues += $page.issues
    $start += $page.maxResults
} while ($start -lt $page.total)

$groups = $issues | Group-Object { $_.fields.status.statusCategory.name }
$lines = @("# $($sprint.name)", "", "Ends: $($sprint.endDate)", "")
foreach ($g in $groups) {
    $lines += "## $($g.Name) ($($g.Count))"
    foreach ($i in $g.Group) {
        $who = if ($i.fields.assignee) { $i.fields.assignee.displayName } else { 'unassigned' }
        $flag = if ($i.fields.flagged) { ' :warning: blocked' } else { '' }
        $lines += "- [$($i.key)]($base/browse/$($i.key)) $($i.fields.summary) — $who$flag"
    }
    $lines += ""
}
$lines | Set-Content -Path $OutFile -Encoding utf8
Write-Host "Wrote $OutFile ($($issues.Count) issues)"
