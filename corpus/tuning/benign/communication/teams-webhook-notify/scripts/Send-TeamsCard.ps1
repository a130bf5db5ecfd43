[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
param(
    [Parameter(Mandatory)] [string] $Title,
    [Parameter(Mandatory)] [string] $Text,
    [string] $Url
)
if (-not $env:TEAMS_WEBHOOK_URL) { throw 'TEAMS_WEBHOOK_URL is not set' }

$body = @(
    @{ type = 'TextBlock'; text = $Title; weight = 'Bolder'; size = 'Medium'; wrap = $true }
    @{ type = 'TextBlock'; text = $Text; wrap = $true }
)
$actions = @()
if ($Url) { $actions += @{ type = 'Action.OpenUrl'; title = 'Open'; url = $Url } }

$payload = @{
    type        = 'message'
    attachments = @(@{
        contentType = 'application/vnd.microsoft.card.adaptive'
        content     = @{
            '$schema' = 'http://adaptivecards.io/schemas/adaptive-card.json'
            type      = 'AdaptiveCard'
            version   = '1.4'
            body      = $body
            actions   = $actions
        }
    })
} | ConvertTo-Json -Depth 10

Write-Host $payload
if ($PSCmdlet.ShouldProcess('Teams channel', 'Post card')) {
    Invoke-RestMethod -Method Post -Uri $env:TEAMS_WEBHOOK_URL -ContentType 'application/json' -Body $payload | Out-Null
    Write-Host 'Sent.'
}
