//! Server-side request forgery defence: a repository host must resolve only to public
//! addresses, and git is then pinned to the address that was checked (see `fetch`), so a
//! second DNS answer (rebinding) cannot send it elsewhere.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::FetchError;

/// Resolves `host` and requires every address it has to be public (or in `allowed`);
/// returns the first, which the caller then pins the connection to. Any non-public answer
/// fails the whole lookup: a name mixing public and internal records is not trusted.
pub async fn resolve_public(
    host: &str,
    port: u16,
    allowed: &[IpAddr],
) -> Result<IpAddr, FetchError> {
    let addresses: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| FetchError::Resolve {
                host: host.to_owned(),
                message: e.to_string(),
            })?
            .map(|a| a.ip())
            .collect(),
    };
    for address in &addresses {
        if !is_public(*address) && !allowed.contains(address) {
            return Err(FetchError::ForbiddenAddress {
                host: host.to_owned(),
                address: *address,
            });
        }
    }
    addresses
        .first()
        .copied()
        .ok_or_else(|| FetchError::Resolve {
            host: host.to_owned(),
            message: "no addresses".to_owned(),
        })
}

/// True for globally routable unicast addresses; false for loopback, private (RFC 1918),
/// shared/CGNAT (100.64/10), link-local (incl. cloud metadata 169.254.169.254), unspecified,
/// broadcast, multicast, documentation, benchmarking, reserved, IPv6 unique-local and
/// site-local, and IPv6 forms that embed or translate IPv4 (mapped, compatible, NAT64,
/// 6to4, Teredo), which could reach an internal IPv4 host.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    (u32::from(ip) & mask) == (u32::from(Ipv4Addr::from(net)) & mask)
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    const BLOCKED: [([u8; 4], u32); 17] = [
        ([0, 0, 0, 0], 8),       // "this network", unspecified
        ([10, 0, 0, 0], 8),      // private
        ([100, 64, 0, 0], 10),   // shared address space (CGNAT)
        ([127, 0, 0, 0], 8),     // loopback
        ([169, 254, 0, 0], 16),  // link-local, cloud metadata
        ([172, 16, 0, 0], 12),   // private
        ([192, 0, 0, 0], 24),    // IETF protocol assignments
        ([192, 0, 2, 0], 24),    // TEST-NET-1
        ([192, 88, 99, 0], 24),  // 6to4 relay anycast
        ([192, 168, 0, 0], 16),  // private
        ([198, 18, 0, 0], 15),   // benchmarking
        ([198, 51, 100, 0], 24), // TEST-NET-2
        ([203, 0, 113, 0], 24),  // TEST-NET-3
        ([224, 0, 0, 0], 4),     // multicast
        ([240, 0, 0, 0], 4),     // reserved, broadcast
        ([255, 255, 255, 255], 32),
        ([192, 31, 196, 0], 24), // AS112
    ];
    !BLOCKED.iter().any(|(net, prefix)| in_v4(ip, *net, *prefix))
}

fn in_v6(ip: Ipv6Addr, net: [u16; 8], prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    };
    (u128::from(ip) & mask) == (u128::from(Ipv6Addr::from(net)) & mask)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    // Only global unicast (2000::/3) can be public at all.
    if !in_v6(ip, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3) {
        return false;
    }
    const BLOCKED: [([u16; 8], u32); 5] = [
        ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), // IETF protocol assignments (incl. Teredo)
        ([0x2001, 0x0db8, 0, 0, 0, 0, 0, 0], 32), // documentation
        ([0x2002, 0, 0, 0, 0, 0, 0, 0], 16), // 6to4 (embeds IPv4)
        ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), // documentation (RFC 9637)
        ([0x2001, 0x0002, 0, 0, 0, 0, 0, 0], 48), // benchmarking
    ];
    !BLOCKED.iter().any(|(net, prefix)| in_v6(ip, *net, *prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_resolving_to_internal_addresses_are_refused() {
        let err = resolve_public("localhost", 443, &[])
            .await
            .expect_err("loopback");
        assert!(
            matches!(err, FetchError::ForbiddenAddress { address, .. } if address.is_loopback()),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "host localhost resolves to 127.0.0.1, a private, loopback, link-local or otherwise non-public address; fetching from it is not allowed"
        );
        let loopback: IpAddr = "127.0.0.1".parse().expect("ip");
        assert_eq!(
            resolve_public("localhost", 443, &[loopback])
                .await
                .expect("allowed"),
            loopback
        );
        let err = resolve_public("169.254.169.254", 443, &[])
            .await
            .expect_err("metadata");
        assert!(matches!(err, FetchError::ForbiddenAddress { .. }));
        let err = resolve_public("no-such-host.invalid", 443, &[])
            .await
            .expect_err("nxdomain");
        assert!(matches!(err, FetchError::Resolve { .. }), "{err:?}");
    }

    #[test]
    fn classification_table() {
        let cases = [
            ("8.8.8.8", true),
            ("140.82.112.3", true),
            ("1.1.1.1", true),
            ("0.0.0.0", false),
            ("10.1.2.3", false),
            ("100.64.0.1", false),
            ("100.127.255.255", false),
            ("100.128.0.1", true),
            ("127.0.0.1", false),
            ("127.255.255.254", false),
            ("169.254.169.254", false),
            ("172.16.0.1", false),
            ("172.31.255.255", false),
            ("172.32.0.1", true),
            ("192.168.1.1", false),
            ("192.0.2.10", false),
            ("198.18.0.1", false),
            ("224.0.0.1", false),
            ("239.255.255.250", false),
            ("240.0.0.1", false),
            ("255.255.255.255", false),
            ("::", false),
            ("::1", false),
            ("::ffff:8.8.8.8", false),
            ("::ffff:127.0.0.1", false),
            ("::127.0.0.1", false),
            ("64:ff9b::a00:1", false),
            ("fc00::1", false),
            ("fd12:3456::1", false),
            ("fe80::1", false),
            ("fec0::1", false),
            ("ff02::1", false),
            ("2001:db8::1", false),
            ("2001:0:4136:e378::1", false),
            ("2002:c0a8:0101::1", false),
            ("2606:4700:4700::1111", true),
            ("2a00:1450:4001:80b::200e", true),
        ];
        for (text, public) in cases {
            let ip: IpAddr = text.parse().expect(text);
            assert_eq!(is_public(ip), public, "{text}");
        }
    }
}
