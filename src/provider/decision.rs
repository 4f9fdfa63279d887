//! CA's decision on one provider-config text or one templates text, in the shape the Go
//! decoding oracle (`tests/decode-oracle`) prints, so the two can be compared in bulk (pure).
//!
//! The config goes through `LoadConfigFile`'s decode and checks (with `BuildKwokProvider`'s
//! wrapping); the templates through `LoadNodeTemplatesFromConfigMap` after its ConfigMap Get.

use super::startup::{ParsedTexts, Startup};
use super::templates;
use super::{CaFailure, CaVersion};

/// Whether CA gets past this input, and if not, the error text CA logs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    pub ok: bool,
    /// CA's error text ("" when `ok`).
    pub error: String,
    /// The Node templates CA keeps (templates only).
    pub templates: usize,
}

impl Decision {
    fn failed(failure: &CaFailure) -> Decision {
        Decision {
            ok: false,
            error: failure.ca_message.clone(),
            templates: 0,
        }
    }
}

/// The provider config's value (`data.config`), as CA `version` decodes and checks it.
pub fn config(text: &str, version: CaVersion) -> Decision {
    let texts = ParsedTexts::parse(Some(text), None, version);
    let mut startup = Startup::new(&texts, None);
    startup.read_config();
    match startup.failure() {
        Some(failure) => Decision::failed(failure),
        None => Decision {
            ok: true,
            error: String::new(),
            templates: 0,
        },
    }
}

/// The templates ConfigMap's `data.templates` (ConfigMap `config_map`), as CA `version` reads it.
pub fn templates(text: &str, config_map: &str, version: CaVersion) -> Decision {
    if text.is_empty() {
        return Decision {
            ok: false,
            error: format!("configmap '{config_map}' doesn't have 'templates' key"),
            templates: 0,
        };
    }
    let chunks = match templates::read(text) {
        Ok(chunks) => chunks,
        Err(e) => return Decision::failed(&e.ca_failure(config_map)),
    };
    match templates::parse(&chunks, version) {
        Ok(set) => Decision {
            ok: true,
            error: String::new(),
            templates: set.templates.len(),
        },
        Err(e) => Decision::failed(&e.ca_failure(config_map)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_cas_words_per_version() {
        let v = |minor: &str| minor.parse::<CaVersion>().unwrap();
        let unknown = "apiVersion: v1\nkind: Foo\n";
        for (version, line) in [("1.29", 100), ("1.33", 110), ("1.36", 111)] {
            assert_eq!(
                templates(unknown, "t", v(version)).error,
                format!(
                    "no kind \"Foo\" is registered for version \"v1\" in scheme \"pkg/runtime/scheme.go:{line}\""
                )
            );
        }
        let kindless = "apiVersion: v1\nmetadata:\n  name: a\n";
        assert_eq!(
            templates(kindless, "t", CaVersion::LATEST).error,
            format!("Object 'Kind' is missing in '{kindless}'")
        );
        let item = "apiVersion: v1\nkind: List\nitems:\n- kind: Node\n  metadata: {name: a, z: 1.50, b: \"<&>\"}\n";
        assert_eq!(
            templates(item, "t", CaVersion::LATEST).error,
            r#"Object 'apiVersion' is missing in '{"kind":"Node","metadata":{"b":"\u003c\u0026\u003e","name":"a","z":1.5}}'"#
        );
        assert_eq!(
            templates("[1, 2]\n", "t", CaVersion::LATEST).error,
            r#"couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\"apiVersion,omitempty\""; Kind string "json:\"kind,omitempty\"" }"#
        );
        assert_eq!(
            templates("", "t", CaVersion::LATEST).error,
            "configmap 't' doesn't have 'templates' key"
        );
        assert!(
            config(
                "readNodesFrom: cluster\nnodegroups: {fromNodeLabelKey: k}\n",
                CaVersion::LATEST
            )
            .ok
        );
    }
}
