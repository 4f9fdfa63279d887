//! Kubernetes object-name rules the API server enforces (DNS-1123), worded for users (pure).

/// Why `name` is not a DNS-1123 subdomain (ConfigMap and node names), if it is not.
pub fn why_not_subdomain(name: &str) -> Option<String> {
    check(name, 253, true)
}

/// Why `name` is not a DNS-1123 label (namespace names), if it is not.
pub fn why_not_label(name: &str) -> Option<String> {
    check(name, 63, false)
}

fn check(name: &str, max: usize, dots: bool) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".to_owned());
    }
    if name.len() > max {
        return Some(format!("it is longer than {max} characters"));
    }
    if let Some(bad) = name.chars().find(|c| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || (dots && *c == '.'))
    }) {
        return Some(match bad {
            ' ' => "it contains a space".to_owned(),
            '\t' | '\n' | '\r' => "it contains whitespace".to_owned(),
            c if c.is_ascii_uppercase() => format!("it contains the uppercase letter `{c}`"),
            c => format!("it contains `{c}`"),
        });
    }
    if name
        .split('.')
        .any(|part| part.is_empty() || part.starts_with('-') || part.ends_with('-'))
    {
        return Some("it must start and end with a letter or digit".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(why_not_subdomain("kwok-provider-config"), None);
        assert_eq!(why_not_subdomain("a.b-c"), None);
        assert_eq!(why_not_subdomain("a b").unwrap(), "it contains a space");
        assert_eq!(why_not_subdomain("name ").unwrap(), "it contains a space");
        assert_eq!(
            why_not_subdomain("Name").unwrap(),
            "it contains the uppercase letter `N`"
        );
        assert!(why_not_subdomain("-a").is_some());
        assert_eq!(why_not_label("kube-system"), None);
        assert_eq!(why_not_label("a.b").unwrap(), "it contains `.`");
        assert_eq!(
            why_not_label(&"a".repeat(64)).unwrap(),
            "it is longer than 63 characters"
        );
        assert_eq!(why_not_label("bad ns").unwrap(), "it contains a space");
    }
}
