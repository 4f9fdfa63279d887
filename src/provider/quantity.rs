//! Kubernetes resource quantities (`12`, `500m`, `32781516Ki`), parsed to plain numbers.

/// Parses a quantity as Kubernetes does; returns its value in base units, or `None` if invalid.
pub fn parse(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let unsigned = number.strip_prefix(['+', '-']).unwrap_or(number);
    if unsigned.is_empty()
        || unsigned.starts_with(['+', '-'])
        || unsigned.matches('.').count() > 1
        || unsigned == "."
    {
        return None;
    }
    let base: f64 = number.parse().ok()?;
    let multiplier = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        exp if exp.starts_with(['e', 'E']) => {
            let power: i32 = exp[1..].parse().ok()?;
            10f64.powi(power)
        }
        _ => return None,
    };
    Some(base * multiplier)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_common_quantities() {
        assert_eq!(parse("12"), Some(12.0));
        assert_eq!(parse("500m"), Some(0.5));
        assert_eq!(parse("1Ki"), Some(1024.0));
        assert_eq!(parse("1.5Gi"), Some(1.5 * 1024f64.powi(3)));
        assert_eq!(parse("1e3"), Some(1000.0));
        assert_eq!(parse("abc"), None);
        assert_eq!(parse("12Q"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("."), None);
    }
}
