//! Reading `--serve`'s address, and telling loopback from addresses other
//! machines can reach.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

/// Where `--serve` binds, and whether the user should be warned that
/// the address is reachable from other machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeAddr {
    pub addr: SocketAddr,
    pub loopback: bool,
}

/// Reads `--serve`'s value: `PORT`, `IP:PORT` or `localhost:PORT`.
/// Loopback addresses are the normal case; a non-loopback address is
/// accepted only when written as an IP address (an explicit choice), and
/// the caller warns. A host name other than `localhost` is refused: it
/// could resolve to an address reachable from the network by accident.
pub fn parse_serve_addr(text: &str) -> Result<ServeAddr, String> {
    let text = text.trim();
    if let Ok(port) = text.parse::<u16>() {
        let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        return Ok(ServeAddr {
            addr,
            loopback: true,
        });
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(ServeAddr {
            addr,
            loopback: addr.ip().is_loopback(),
        });
    }
    if let Some(port) = text.strip_prefix("localhost:") {
        let addrs: Vec<SocketAddr> = (
            "localhost",
            port.parse::<u16>().map_err(|_| bad_addr(text))?,
        )
            .to_socket_addrs()
            .map_err(|_| bad_addr(text))?
            .filter(|a| a.ip().is_loopback())
            .collect();
        // Prefer IPv4: it is what `127.0.0.1` users and most browsers try.
        let addr = addrs
            .iter()
            .find(|a| a.is_ipv4())
            .or(addrs.first())
            .copied()
            .ok_or_else(|| bad_addr(text))?;
        return Ok(ServeAddr {
            addr,
            loopback: true,
        });
    }
    Err(bad_addr(text))
}

fn bad_addr(text: &str) -> String {
    format!(
        "`{text}` is not an address to serve on; write `127.0.0.1:PORT`, `localhost:PORT` or \
         just `PORT` (a non-loopback address must be written as an IP address)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_addresses() {
        let local = parse_serve_addr("127.0.0.1:8000").expect("ok");
        assert!(local.loopback);
        assert_eq!(local.addr.port(), 8000);
        assert_eq!(
            parse_serve_addr("8001").expect("port").addr,
            "127.0.0.1:8001".parse().expect("addr")
        );
        assert!(parse_serve_addr("[::1]:8000").expect("v6").loopback);
        assert!(!parse_serve_addr("0.0.0.0:8000").expect("explicit").loopback);
        assert!(parse_serve_addr("example.com:80").is_err());
        assert!(parse_serve_addr("127.0.0.1").is_err());
        assert!(parse_serve_addr("localhost:x").is_err());
    }
}
