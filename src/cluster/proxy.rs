//! Which proxy a request to the API server goes through, decided as client-go decides it
//! (pure): kube 5 reads `HTTPS_PROXY` only and checks `NO_PROXY` against the proxy's own
//! address, so the decision is made here and handed to kube as `Config::proxy_url`.
//!
//! client-go: a kubeconfig cluster's `proxy-url` is used as it is (`NO_PROXY` does not apply);
//! else `net/http.ProxyFromEnvironment`, i.e. golang.org/x/net/http/httpproxy: `HTTPS_PROXY`
//! for https servers, `HTTP_PROXY` for http ones (upper case first), never for `localhost` or
//! a loopback address, and not when `NO_PROXY` covers the server.

use std::net::IpAddr;

/// The proxy variables of the environment, upper case before lower case, as Go reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    pub https_proxy: Option<String>,
    pub http_proxy: Option<String>,
    pub no_proxy: Option<String>,
}

impl ProxyEnv {
    /// Takes `HTTPS_PROXY`/`https_proxy`, `HTTP_PROXY`/`http_proxy`, `NO_PROXY`/`no_proxy` from
    /// `var` (the command line hands the process environment's reader).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> ProxyEnv {
        let any = |names: [&str; 2]| {
            names
                .iter()
                .find_map(|name| var(name).filter(|v| !v.is_empty()))
        };
        ProxyEnv {
            https_proxy: any(["HTTPS_PROXY", "https_proxy"]),
            http_proxy: any(["HTTP_PROXY", "http_proxy"]),
            no_proxy: any(["NO_PROXY", "no_proxy"]),
        }
    }
}

/// `NO_PROXY` without its empty entries (`a,,b`, a trailing comma), which Go skips but kube 5
/// refuses ("comma-separated value is empty") whenever a proxy variable is set.
pub fn tidy_no_proxy(value: &str) -> String {
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

/// The API server a request goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target<'a> {
    pub scheme: &'a str,
    /// The host as in the URL (an IPv6 address may keep its brackets).
    pub host: &'a str,
    /// The explicit port, if any (else the scheme's).
    pub port: Option<u16>,
}

/// Where the proxy setting came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The proxy URL, with a scheme (`http://` added as Go adds it).
    pub url: String,
    /// `proxy-url of cluster X`, `HTTPS_PROXY`, `HTTP_PROXY`.
    pub from: String,
}

/// The proxy for `target`: the kubeconfig's `proxy-url` (named `cluster`) if set, else the
/// environment's, unless the target is loopback or `NO_PROXY` covers it.
pub fn proxy_for(
    target: &Target<'_>,
    kubeconfig_proxy_url: Option<&str>,
    cluster: &str,
    env: &ProxyEnv,
) -> Option<Proxy> {
    if let Some(url) = kubeconfig_proxy_url
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        return Some(Proxy {
            url: with_scheme(url),
            from: format!("proxy-url of cluster `{cluster}` in the kubeconfig"),
        });
    }
    let (value, name) = match target.scheme {
        "https" => (env.https_proxy.as_deref(), "HTTPS_PROXY"),
        "http" => (env.http_proxy.as_deref(), "HTTP_PROXY"),
        _ => (None, ""),
    };
    let url = value.map(str::trim).filter(|v| !v.is_empty())?;
    let port = target
        .port
        .unwrap_or(if target.scheme == "https" { 443 } else { 80 });
    if !use_proxy(target.host, port, env.no_proxy.as_deref().unwrap_or("")) {
        return None;
    }
    Some(Proxy {
        url: with_scheme(url),
        from: name.to_owned(),
    })
}

/// Go's `parseProxy`: a value without a known scheme is read as `http://VALUE`. `socks5h://`
/// (names resolved by the proxy) becomes `socks5://`, which kube only knows and which already
/// hands the name to the proxy.
fn with_scheme(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("socks5h://") {
        return format!("socks5://{}", &url["socks5h://".len()..]);
    }
    let known = ["http://", "https://", "socks5://"];
    if known.iter().any(|scheme| lower.starts_with(scheme)) {
        url.to_owned()
    } else {
        format!("http://{url}")
    }
}

/// httpproxy's `useProxy`: false for localhost, loopback addresses, and what `no_proxy` covers.
pub fn use_proxy(host: &str, port: u16, no_proxy: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim()
        .to_ascii_lowercase();
    if host == "localhost" {
        return false;
    }
    let ip: Option<IpAddr> = host.parse().ok();
    if ip.is_some_and(|ip| ip.is_loopback()) {
        return false;
    }
    !no_proxy
        .split(',')
        .map(|entry| entry.trim().to_ascii_lowercase())
        .filter(|entry| !entry.is_empty())
        .any(|entry| covers(&entry, &host, ip, port))
}

/// Whether one `NO_PROXY` entry covers `host:port` (httpproxy's ip, cidr and domain matchers).
fn covers(entry: &str, host: &str, ip: Option<IpAddr>, port: u16) -> bool {
    if entry == "*" {
        return true;
    }
    if let Some((network, bits)) = entry.split_once('/') {
        return match (network.parse::<IpAddr>(), bits.parse::<u8>(), ip) {
            (Ok(network), Ok(bits), Some(ip)) => in_cidr(ip, network, bits),
            _ => false,
        };
    }
    if let Ok(entry_ip) = entry.parse::<IpAddr>() {
        return ip == Some(entry_ip);
    }
    // host:port, [v6]:port, or a bare host.
    let (entry_host, entry_port) = match entry.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() && p.parse::<u16>().is_ok() && !h.contains(':') => {
            (h, p.parse::<u16>().ok())
        }
        Some((h, p)) if h.starts_with('[') && h.ends_with(']') && p.parse::<u16>().is_ok() => {
            (&h[1..h.len() - 1], p.parse::<u16>().ok())
        }
        _ => (entry, None),
    };
    let port_ok = entry_port.is_none_or(|p| p == port);
    if let Ok(entry_ip) = entry_host.parse::<IpAddr>() {
        return ip == Some(entry_ip) && port_ok;
    }
    if entry_host.is_empty() {
        return false;
    }
    // `*.example.com` and `.example.com` match subdomains; `example.com` also itself.
    let entry_host = entry_host.strip_prefix('*').unwrap_or(entry_host);
    let (suffix, matches_itself) = match entry_host.strip_prefix('.') {
        Some(_) => (entry_host.to_owned(), false),
        None => (format!(".{entry_host}"), true),
    };
    let hit = host.ends_with(&suffix) || (matches_itself && host == &suffix[1..]);
    hit && port_ok
}

fn in_cidr(ip: IpAddr, network: IpAddr, bits: u8) -> bool {
    match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(net)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(https: Option<&str>, http: Option<&str>, no: Option<&str>) -> ProxyEnv {
        ProxyEnv {
            https_proxy: https.map(Into::into),
            http_proxy: http.map(Into::into),
            no_proxy: no.map(Into::into),
        }
    }

    fn target<'a>(scheme: &'a str, host: &'a str, port: Option<u16>) -> Target<'a> {
        Target { scheme, host, port }
    }

    fn url(p: Option<Proxy>) -> Option<String> {
        p.map(|p| p.url)
    }

    #[test]
    fn the_scheme_picks_the_variable() {
        let e = env(Some("http://s:3128"), Some("proxy:8080"), None);
        let https = proxy_for(&target("https", "k8s.corp", None), None, "c", &e).unwrap();
        assert_eq!(
            (https.url.as_str(), https.from.as_str()),
            ("http://s:3128", "HTTPS_PROXY")
        );
        let http = proxy_for(&target("http", "k8s.corp", None), None, "c", &e).unwrap();
        assert_eq!(http.url, "http://proxy:8080", "a bare host:port is http://");
        assert_eq!(http.from, "HTTP_PROXY");
        let socks = env(Some("socks5h://s:1080"), None, None);
        let p = proxy_for(&target("https", "k", None), None, "c", &socks).unwrap();
        assert_eq!(p.url, "socks5://s:1080");
        let only_http = env(None, Some("http://p:1"), None);
        assert_eq!(
            url(proxy_for(
                &target("https", "k", None),
                None,
                "c",
                &only_http
            )),
            None
        );
    }

    #[test]
    fn the_kubeconfig_proxy_url_wins_and_ignores_no_proxy() {
        let e = env(Some("http://env:1"), None, Some("*"));
        let p = proxy_for(
            &target("https", "127.0.0.1", Some(6443)),
            Some("socks5://s:1080"),
            "kit",
            &e,
        )
        .unwrap();
        assert_eq!(p.url, "socks5://s:1080");
        assert!(p.from.contains("`kit`"), "{}", p.from);
    }

    #[test]
    fn loopback_never_goes_through_the_environments_proxy() {
        let e = env(Some("http://p:1"), Some("http://p:1"), None);
        for host in [
            "localhost",
            "127.0.0.1",
            "127.8.0.1",
            "[::1]",
            "::1",
            "LOCALHOST",
        ] {
            assert_eq!(
                url(proxy_for(&target("https", host, None), None, "c", &e)),
                None,
                "{host}"
            );
        }
        assert!(proxy_for(&target("https", "10.0.0.1", None), None, "c", &e).is_some());
    }

    #[test]
    fn empty_no_proxy_entries_are_dropped() {
        assert_eq!(
            tidy_no_proxy("localhost,, 10.0.0.0/8 ,.corp,"),
            "localhost,10.0.0.0/8,.corp"
        );
        assert_eq!(tidy_no_proxy(" , "), "");
        assert_eq!(tidy_no_proxy("*"), "*");
    }

    #[test]
    fn no_proxy_as_go_reads_it() {
        let covered = |no: &str, host: &str, port: u16| !use_proxy(host, port, no);
        // Domains: a bare name matches itself and its subdomains; a leading `.` or `*.` only subdomains.
        assert!(covered("corp.example", "corp.example", 443));
        assert!(covered("corp.example", "k8s.corp.example", 443));
        assert!(!covered("corp.example", "notcorp.example", 443));
        assert!(covered(".corp.example", "k8s.corp.example", 443));
        assert!(!covered(".corp.example", "corp.example", 443));
        assert!(covered("*.corp.example", "k8s.corp.example", 443));
        assert!(!covered("*.corp.example", "corp.example", 443));
        // Ports: only when the entry names one.
        assert!(covered("k8s.corp:6443", "k8s.corp", 6443));
        assert!(!covered("k8s.corp:6443", "k8s.corp", 443));
        // IPs and CIDRs (v4 and v6), case, blanks and empty entries.
        assert!(covered("10.1.2.3", "10.1.2.3", 443));
        assert!(covered("10.1.2.3:6443", "10.1.2.3", 6443));
        assert!(!covered("10.1.2.3:6443", "10.1.2.3", 443));
        assert!(covered("10.0.0.0/8", "10.200.0.1", 443));
        assert!(!covered("10.0.0.0/8", "11.0.0.1", 443));
        assert!(covered("fd00::/8", "[fd00::2]", 443));
        assert!(covered("[fd00::2]:443", "[fd00::2]", 443));
        assert!(covered(" foo.test , ,K8S.Corp,", "k8s.corp", 443));
        assert!(covered("*", "anything", 1));
        assert!(!covered("", "anything", 1));
        assert!(
            !covered("10.0.0.0/8", "ten.example", 443),
            "a CIDR covers IPs only"
        );
        assert!(
            !covered("garbage/xx", "garbage", 443),
            "a bad entry covers nothing"
        );
        let e = env(None, Some("http://p:3128"), Some("fake.test"));
        assert_eq!(
            url(proxy_for(
                &target("http", "fake.test", Some(8080)),
                None,
                "c",
                &e
            )),
            None
        );
        assert!(proxy_for(&target("http", "other.test", Some(8080)), None, "c", &e).is_some());
    }
}
