//! Target cluster-autoscaler versions and the provider behaviour that differs between them.

use std::fmt;
use std::str::FromStr;

/// A CA minor version (1.x). `latest` is the newest release checked against the real CA; the
/// provider itself behaves alike from 1.34 on (`LATEST_MINOR`), its libraries' words do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaVersion {
    minor: u32,
}

/// Oldest CA with the kwok provider.
pub const FIRST_MINOR: u32 = 29;
/// Newest minor whose behaviour we model; later minors behave the same.
pub const LATEST_MINOR: u32 = 34;
/// Newest CA release the linter has been checked against (the CA oracle runs 1.36.1).
pub const NEWEST_CHECKED_MINOR: u32 = 36;

impl CaVersion {
    pub const LATEST: CaVersion = CaVersion {
        minor: NEWEST_CHECKED_MINOR,
    };

    pub fn minor(self) -> u32 {
        self.minor
    }

    /// From 1.30 `Refresh()` recounts each group's target from the nodes named after it,
    /// real nodes included; 1.29's `Refresh()` does nothing.
    pub fn recounts_target_sizes(self) -> bool {
        self.minor >= 30
    }

    /// 1.29 appends `-<unix time>` to group names taken from the grouping value.
    pub fn timestamps_group_names(self) -> bool {
        self.minor < 30
    }

    /// 1.33+ sets `metrics.k8s.io/resource-metrics-path` on created nodes.
    pub fn sets_metrics_path(self) -> bool {
        self.minor >= 33
    }

    /// 1.33+ (apimachinery v0.33) decodes a config that starts with `{` as YAML when it fails
    /// as JSON (a syntax or a type error), and reports the JSON error only if YAML fails too.
    /// Run by the CA oracle on CA 1.33 and 1.36; read from apimachinery's YAMLOrJSONDecoder.
    pub fn retries_json_as_yaml(self) -> bool {
        self.minor >= 33
    }

    /// The line of apimachinery's `runtime.NewScheme` that names CA's scheme in "no kind … is
    /// registered" errors (`pkg/runtime/scheme.go:N`), read from the apimachinery each CA
    /// release pins (v0.29–v0.32: 100, v0.33–v0.34: 110, v0.35–v0.36: 111).
    pub fn scheme_line(self) -> u32 {
        match self.minor {
            ..=32 => 100,
            33 | 34 => 110,
            _ => 111,
        }
    }

    /// The config field naming the grouping annotation.
    pub fn annotation_key_field(self) -> &'static str {
        if self.minor >= 34 {
            "fromNodeAnnotationKey"
        } else {
            "fromNodeLabelAnnotation"
        }
    }

    /// The other spelling, which this version does not read.
    pub fn other_annotation_key_field(self) -> &'static str {
        if self.minor >= 34 {
            "fromNodeLabelAnnotation"
        } else {
            "fromNodeAnnotationKey"
        }
    }
}

impl Default for CaVersion {
    fn default() -> Self {
        CaVersion::LATEST
    }
}

impl fmt::Display for CaVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.minor >= LATEST_MINOR {
            write!(f, "1.{LATEST_MINOR}+")
        } else {
            write!(f, "1.{}", self.minor)
        }
    }
}

impl CaVersion {
    /// The version a cluster-autoscaler image runs, from its tag (`…/cluster-autoscaler:v1.33.2`);
    /// `None` for a digest, `latest` or another tag that names no version.
    pub fn from_image(image: &str) -> Option<CaVersion> {
        let image = image.split('@').next()?;
        let (_, tag) = image
            .rsplit_once(':')
            .filter(|(repo, _)| !repo.ends_with('/') && !repo.is_empty())?;
        if tag.contains('/') {
            return None; // a registry port, not a tag
        }
        let version = tag.trim_start_matches('v');
        let core: String = version
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()?
            .to_owned();
        if core.matches('.').count() < 1 {
            return None;
        }
        core.parse().ok()
    }
}

/// The values `--ca-version` completes to: each minor from the first with the provider to the
/// newest checked against the real CA, then `latest`.
pub fn completion_values() -> Vec<String> {
    (FIRST_MINOR..=NEWEST_CHECKED_MINOR)
        .map(|minor| format!("1.{minor}"))
        .chain(std::iter::once("latest".to_owned()))
        .collect()
}

impl FromStr for CaVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("latest") {
            return Ok(CaVersion::LATEST);
        }
        let bare = s.trim_start_matches('v');
        let mut parts = bare.split('.');
        let major = parts.next().and_then(|p| p.parse::<u32>().ok());
        let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
        match (major, minor) {
            (Some(1), Some(minor)) if minor >= FIRST_MINOR => Ok(CaVersion {
                minor: minor.min(NEWEST_CHECKED_MINOR),
            }),
            (Some(1), Some(_)) => Err(format!(
                "cluster-autoscaler {s} has no kwok provider (it arrived in 1.{FIRST_MINOR})"
            )),
            _ => Err(format!(
                "`{s}` is not a CA version; use 1.{FIRST_MINOR}, 1.30, …, or latest"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_images() {
        let v = |image: &str| CaVersion::from_image(image).map(|v| v.minor());
        assert_eq!(
            v("registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.2"),
            Some(33)
        );
        assert_eq!(
            v("registry.k8s.io/autoscaling/cluster-autoscaler:v1.29.0-kwok"),
            Some(29)
        );
        assert_eq!(v("my-registry:5000/cluster-autoscaler:1.30.1"), Some(30));
        assert_eq!(v("cluster-autoscaler:v1.36.1"), Some(NEWEST_CHECKED_MINOR));
        assert_eq!(v("cluster-autoscaler:latest"), None);
        assert_eq!(v("my-registry:5000/cluster-autoscaler"), None);
        assert_eq!(v("cluster-autoscaler@sha256:abcd"), None);
        assert_eq!(v("cluster-autoscaler:v1.20.0"), None);
    }

    #[test]
    fn parses_versions() {
        assert_eq!("latest".parse::<CaVersion>().unwrap(), CaVersion::LATEST);
        assert_eq!("1.29".parse::<CaVersion>().unwrap().minor(), 29);
        assert_eq!("v1.33.2".parse::<CaVersion>().unwrap().minor(), 33);
        assert_eq!("1.40".parse::<CaVersion>().unwrap(), CaVersion::LATEST);
        assert!("1.28".parse::<CaVersion>().is_err());
        assert!("two".parse::<CaVersion>().is_err());
    }

    #[test]
    fn annotation_key_field_switches_at_1_34() {
        let v133: CaVersion = "1.33".parse().unwrap();
        assert_eq!(v133.annotation_key_field(), "fromNodeLabelAnnotation");
        assert_eq!(
            CaVersion::LATEST.annotation_key_field(),
            "fromNodeAnnotationKey"
        );
        assert!(
            "1.29"
                .parse::<CaVersion>()
                .unwrap()
                .timestamps_group_names()
        );
        assert!(
            !"1.30"
                .parse::<CaVersion>()
                .unwrap()
                .timestamps_group_names()
        );
        assert!(v133.sets_metrics_path());
        assert!(!"1.32".parse::<CaVersion>().unwrap().sets_metrics_path());
    }
}
