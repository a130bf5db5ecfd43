rule Miner_Stratum_Config
{
    meta:
        description = "Mining pool configuration (Stratum protocol)"
        author = "detection-team"
    strings:
        $s1 = "stratum+tcp://" ascii nocase
        $s2 = "stratum+ssl://" ascii nocase
        $k1 = "\"donate-level\"" ascii
        $k2 = "\"randomx\"" ascii
        $k3 = "\"max-threads-hint\"" ascii
    condition:
        any of ($s*) or 2 of ($k*)
}

rule Miner_XMRig_Binary
{
    meta:
        description = "XMRig-family miner binary"
    strings:
        $a = "xmrig" ascii nocase
        $b = "cryptonight" ascii nocase
        $c = "RandomX" ascii
    condition:
        uint32(0) == 0x464c457f and 2 of them
}

rule Miner_Browser_Script
{
    meta:
        description = "In-browser mining script"
    strings:
        $a = "CoinHive.Anonymous" ascii
        $b = "getHashesPerSecond" ascii
        $c = "cryptonight.wasm" ascii
    condition:
        any of them
}
