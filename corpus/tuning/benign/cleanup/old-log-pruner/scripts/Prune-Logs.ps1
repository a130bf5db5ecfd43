[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [int] $Days
)
$here = (Get-Location).Path
$target = (Resolve-Path $Path).Path
if (-not $target.StartsWith($here)) { throw "Refusing: $Path is outside $here" }

$cutoff = (Get-Date).AddDays(-$Days)
Get-ChildItem -Path $target -Recurse -File -Include *.log, *.log.* |
    Where-Object { $_.LastWriteTime -lt $cutoff -and $_.Extension -ne '.gz' } |
    ForEach-Object {
        if ($PSCmdlet.ShouldProcess($_.FullName, 'Remove log')) {
            Remove-Item -LiteralPath $_.FullName -Force
        }
    }
