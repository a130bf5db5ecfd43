//! The address a request really comes from. `X-Forwarded-For` is believed only when the TCP
//! peer is a configured trusted proxy; otherwise anyone could pick their rate-limit key.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The client address: walking `X-Forwarded-For` from the right, the first hop that is not a
/// trusted proxy. With no trusted proxies configured, the peer address.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for hop in header.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // A malformed hop was written by someone we don't trust: stop at the last good one.
            Err(_) => break,
        }
    }
    client
}

impl<S> FromRequestParts<S> for ClientIp
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let ConnectInfo(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .copied()
            .ok_or_else(|| {
                ApiError::internal_message("the server was started without peer addresses")
            })?;
        let header = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let header = (!header.is_empty()).then_some(header.as_str());
        Ok(ClientIp(client_ip(
            peer.ip(),
            header,
            &state.config().trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_ignored_from_untrusted_peers() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &[]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let trusted: Vec<IpNet> = vec![
            "10.0.0.0/8".parse().unwrap(),
            "192.168.1.1/32".parse().unwrap(),
        ];
        // A client can prepend anything; only what our proxies appended counts.
        assert_eq!(
            client_ip(
                ip("10.0.0.5"),
                Some("6.6.6.6, 198.51.100.7, 192.168.1.1"),
                &trusted
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("10.0.0.5"), Some("198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(client_ip(ip("10.0.0.5"), None, &trusted), ip("10.0.0.5"));
        assert_eq!(
            client_ip(ip("10.0.0.5"), Some("garbage, 198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("10.0.0.5"), Some("198.51.100.7, garbage"), &trusted),
            ip("10.0.0.5")
        );
        assert_eq!(
            client_ip(ip("10.0.0.5"), Some("10.1.1.1, 10.2.2.2"), &trusted),
            ip("10.1.1.1")
        );
    }
}
