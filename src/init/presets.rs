//! The node-shape catalog `init --preset` draws from: a generic family, common cloud types, user presets (pure).
//!
//! Allocatable is capacity minus a realistic reserve: the kube-reserved formula GKE and
//! EKS's AMIs use for CPU and memory, plus kubelet's 100Mi memory eviction threshold and
//! a 10% ephemeral-storage eviction threshold.

use crate::provider::{LABEL_INSTANCE_TYPE, RESOURCE_GPU};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::provider::{LABEL_ARCH, LABEL_OS, LABEL_REGION, LABEL_ZONE};

/// Ephemeral storage every preset gets, in GiB.
const EPHEMERAL_STORAGE_GIB: u64 = 100;

/// A GPU a preset carries: its type (the GPU label's value) and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gpu {
    #[serde(rename = "type")]
    pub gpu_type: String,
    pub count: u32,
    /// The label key the preset's cloud puts the type under (not in `--list-presets`).
    #[serde(skip_serializing, default)]
    pub label_key: Option<String>,
}

/// One node shape, as `--list-presets -o json` prints it and a user presets file declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub name: String,
    pub cpu: u32,
    /// A Kubernetes quantity, e.g. `16Gi`.
    pub memory: String,
    pub pods: u32,
    #[serde(default = "default_arch")]
    pub arch: String,
    #[serde(default = "default_os")]
    pub os: String,
    #[serde(default)]
    pub gpu: Option<Gpu>,
    /// Every label the template gets from the preset (arch, os, instance type, zone, GPU).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

fn default_arch() -> String {
    "amd64".to_owned()
}

fn default_os() -> String {
    "linux".to_owned()
}

/// Which catalog a preset came from; the first GPU preset's cloud picks the default GPU label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cloud {
    Generic,
    Aws,
    Gcp,
    Azure,
}

impl Cloud {
    fn zone_and_region(self) -> (&'static str, &'static str) {
        match self {
            Cloud::Generic => ("kwok-zone-a", "kwok-region"),
            Cloud::Aws => ("us-east-1a", "us-east-1"),
            Cloud::Gcp => ("us-central1-a", "us-central1"),
            Cloud::Azure => ("eastus-1", "eastus"),
        }
    }

    /// The label the cloud's node images put the GPU type under.
    fn gpu_label(self) -> &'static str {
        match self {
            Cloud::Generic => "nvidia.com/gpu.product",
            Cloud::Aws => "k8s.amazonaws.com/accelerator",
            Cloud::Gcp => "cloud.google.com/gke-accelerator",
            Cloud::Azure => "accelerator",
        }
    }
}

/// One row of a built-in cloud table: name, cpu, memory GiB, max pods, arch, GPU.
type CloudRow = (
    &'static str,
    u32,
    u32,
    u32,
    &'static str,
    Option<(&'static str, u32)>,
);

/// AWS: max pods are the VPC CNI's ENI limits, as EKS's AMIs set them.
const AWS: &[CloudRow] = &[
    ("m5.large", 2, 8, 29, "amd64", None),
    ("m5.xlarge", 4, 16, 58, "amd64", None),
    ("m5.2xlarge", 8, 32, 58, "amd64", None),
    ("m5.4xlarge", 16, 64, 234, "amd64", None),
    ("c5.xlarge", 4, 8, 58, "amd64", None),
    ("c5.2xlarge", 8, 16, 58, "amd64", None),
    ("r5.xlarge", 4, 32, 58, "amd64", None),
    ("m6g.xlarge", 4, 16, 58, "arm64", None),
    ("m7g.2xlarge", 8, 32, 58, "arm64", None),
    (
        "g4dn.xlarge",
        4,
        16,
        29,
        "amd64",
        Some(("nvidia-tesla-t4", 1)),
    ),
    ("g5.xlarge", 4, 16, 58, "amd64", Some(("nvidia-a10g", 1))),
    (
        "g5.12xlarge",
        48,
        192,
        737,
        "amd64",
        Some(("nvidia-a10g", 4)),
    ),
    (
        "p3.2xlarge",
        8,
        61,
        58,
        "amd64",
        Some(("nvidia-tesla-v100", 1)),
    ),
    (
        "p4d.24xlarge",
        96,
        1152,
        737,
        "amd64",
        Some(("nvidia-tesla-a100", 8)),
    ),
];

/// GCP: GKE's default of 110 pods per node.
const GCP: &[CloudRow] = &[
    ("e2-standard-4", 4, 16, 110, "amd64", None),
    ("n2-standard-4", 4, 16, 110, "amd64", None),
    ("n2-standard-8", 8, 32, 110, "amd64", None),
    ("c2-standard-8", 8, 32, 110, "amd64", None),
    ("t2a-standard-4", 4, 16, 110, "arm64", None),
    (
        "n1-standard-4-t4",
        4,
        15,
        110,
        "amd64",
        Some(("nvidia-tesla-t4", 1)),
    ),
    ("g2-standard-8", 8, 32, 110, "amd64", Some(("nvidia-l4", 1))),
    (
        "a2-highgpu-1g",
        12,
        85,
        110,
        "amd64",
        Some(("nvidia-tesla-a100", 1)),
    ),
];

/// Azure: AKS's default of 110 pods per node (kubenet and overlay).
const AZURE: &[CloudRow] = &[
    ("Standard_D4s_v5", 4, 16, 110, "amd64", None),
    ("Standard_D8s_v5", 8, 32, 110, "amd64", None),
    ("Standard_E4s_v5", 4, 32, 110, "amd64", None),
    ("Standard_D4ps_v5", 4, 16, 110, "arm64", None),
    (
        "Standard_NC4as_T4_v3",
        4,
        28,
        110,
        "amd64",
        Some(("nvidia-tesla-t4", 1)),
    ),
    (
        "Standard_NC6s_v3",
        6,
        112,
        110,
        "amd64",
        Some(("nvidia-tesla-v100", 1)),
    ),
];

/// The generic family's sizes, in CPUs.
const GENERIC_CPUS: &[u32] = &[1, 2, 4, 8, 16, 32, 64];

fn labels(
    instance_type: &str,
    arch: &str,
    os: &str,
    cloud: Cloud,
    gpu: Option<&Gpu>,
) -> BTreeMap<String, String> {
    let (zone, region) = cloud.zone_and_region();
    let mut labels = BTreeMap::from([
        (LABEL_ARCH.to_owned(), arch.to_owned()),
        (LABEL_OS.to_owned(), os.to_owned()),
        (LABEL_INSTANCE_TYPE.to_owned(), instance_type.to_owned()),
        (LABEL_ZONE.to_owned(), zone.to_owned()),
        (LABEL_REGION.to_owned(), region.to_owned()),
    ]);
    if let Some(gpu) = gpu {
        labels.insert(cloud.gpu_label().to_owned(), gpu.gpu_type.clone());
    }
    labels
}

/// The built-in catalog: the generic family first (Karpenter's kwok naming), then AWS, GCP, Azure.
pub fn builtin() -> Vec<Preset> {
    let mut presets = Vec::new();
    for (family, gib_per_cpu) in [("c", 2), ("m", 4), ("r", 8)] {
        for arch in ["amd64", "arm64"] {
            for &cpu in GENERIC_CPUS {
                let name = format!("{family}-{cpu}x-{arch}-linux");
                presets.push(Preset {
                    labels: labels(&name, arch, "linux", Cloud::Generic, None),
                    name,
                    cpu,
                    memory: format!("{}Gi", cpu * gib_per_cpu),
                    pods: (16 * cpu).min(1024),
                    arch: arch.to_owned(),
                    os: "linux".to_owned(),
                    gpu: None,
                });
            }
        }
    }
    for (cloud, rows) in [(Cloud::Aws, AWS), (Cloud::Gcp, GCP), (Cloud::Azure, AZURE)] {
        for &(name, cpu, gib, pods, arch, gpu) in rows {
            let gpu = gpu.map(|(gpu_type, count)| Gpu {
                gpu_type: gpu_type.to_owned(),
                count,
                label_key: Some(cloud.gpu_label().to_owned()),
            });
            presets.push(Preset {
                labels: labels(name, arch, "linux", cloud, gpu.as_ref()),
                name: name.to_owned(),
                cpu,
                memory: format!("{gib}Gi"),
                pods,
                arch: arch.to_owned(),
                os: "linux".to_owned(),
                gpu,
            });
        }
    }
    presets
}

/// A user presets file: `presets:` followed by entries shaped like `--list-presets -o json`'s.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetsFile {
    pub presets: Vec<Preset>,
}

impl Preset {
    /// Fills what a user preset may leave out (the standard labels) and checks its quantities.
    pub fn completed(mut self) -> Result<Preset, String> {
        if crate::provider::quantity::parse(&self.memory).is_none_or(|m| m <= 0.0) {
            return Err(format!(
                "preset `{}`: memory `{}` is not a quantity (e.g. 16Gi)",
                self.name, self.memory
            ));
        }
        if self.cpu == 0 || self.pods == 0 {
            return Err(format!(
                "preset `{}`: cpu and pods must be above 0",
                self.name
            ));
        }
        let defaults = labels(
            &self.name,
            &self.arch,
            &self.os,
            Cloud::Generic,
            self.gpu.as_ref(),
        );
        for (key, value) in defaults {
            self.labels.entry(key).or_insert(value);
        }
        if let Some(gpu) = &mut self.gpu
            && gpu.label_key.is_none()
        {
            gpu.label_key = Some(Cloud::Generic.gpu_label().to_owned());
        }
        Ok(self)
    }

    /// Capacity and allocatable, as quantity strings by resource name.
    pub fn resources(&self) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        let memory_bytes = crate::provider::quantity::parse(&self.memory).unwrap_or(0.0);
        let memory_mib = (memory_bytes / (1024.0 * 1024.0)).round() as u64;
        let cpu_millis = u64::from(self.cpu) * 1000;
        let mut capacity = BTreeMap::from([
            ("cpu".to_owned(), self.cpu.to_string()),
            ("memory".to_owned(), self.memory.clone()),
            ("pods".to_owned(), self.pods.to_string()),
            (
                "ephemeral-storage".to_owned(),
                format!("{EPHEMERAL_STORAGE_GIB}Gi"),
            ),
        ]);
        let mut allocatable = BTreeMap::from([
            (
                "cpu".to_owned(),
                format!("{}m", cpu_millis - reserved_cpu_millis(cpu_millis)),
            ),
            (
                "memory".to_owned(),
                format!(
                    "{}Mi",
                    memory_mib.saturating_sub(reserved_memory_mib(memory_mib))
                ),
            ),
            ("pods".to_owned(), self.pods.to_string()),
            (
                "ephemeral-storage".to_owned(),
                format!("{}Gi", EPHEMERAL_STORAGE_GIB * 9 / 10),
            ),
        ]);
        if let Some(gpu) = &self.gpu {
            capacity.insert(RESOURCE_GPU.to_owned(), gpu.count.to_string());
            allocatable.insert(RESOURCE_GPU.to_owned(), gpu.count.to_string());
        }
        (capacity, allocatable)
    }
}

/// kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% above four.
pub fn reserved_cpu_millis(cpu_millis: u64) -> u64 {
    // Rates in parts per ten thousand: 6%, 1%, 0.5%, 0.25%.
    let tiers = [(1000, 600), (1000, 100), (2000, 50), (u64::MAX, 25)];
    let mut left = cpu_millis;
    let mut sum = 0;
    for (size, rate) in tiers {
        let take = left.min(size);
        sum += take * rate;
        left -= take;
    }
    sum.div_ceil(10_000)
}

/// kube-reserved memory plus the 100Mi eviction threshold: 25% of the first 4Gi, 20% of the
/// next 4Gi, 10% of the next 8Gi, 6% of the next 112Gi, 2% above 128Gi (255Mi under 1Gi).
pub fn reserved_memory_mib(memory_mib: u64) -> u64 {
    const EVICTION_MIB: u64 = 100;
    if memory_mib < 1024 {
        return 255 + EVICTION_MIB;
    }
    let tiers = [
        (4096, 25),
        (4096, 20),
        (8192, 10),
        (114_688, 6),
        (u64::MAX, 2),
    ];
    let mut left = memory_mib;
    let mut percent_sum = 0;
    for (size, percent) in tiers {
        let take = left.min(size);
        percent_sum += take * percent;
        left -= take;
    }
    percent_sum / 100 + EVICTION_MIB
}

/// The catalog with user presets added (a user preset replaces a built-in of the same name).
pub fn catalog(user: Vec<Preset>) -> Vec<Preset> {
    let mut presets = builtin();
    for preset in user {
        match presets.iter_mut().find(|p| p.name == preset.name) {
            Some(existing) => *existing = preset,
            None => presets.push(preset),
        }
    }
    presets
}

/// Parses a user presets file (YAML or JSON), reporting `file:line:col` on bad input.
pub fn parse_user_file(label: &str, text: &str) -> Result<Vec<Preset>, String> {
    let docs = crate::yaml::parse_stream(text).map_err(|e| {
        format!(
            "{label}:{}:{}: not valid YAML: {}",
            e.pos.line, e.pos.col, e.message
        )
    })?;
    let Some(doc) = docs.first() else {
        return Ok(Vec::new());
    };
    let file: PresetsFile = serde_json::from_value(doc.root.to_json()).map_err(|e| {
        format!(
            "{label}: {e} (expected `presets:` with entries of name, cpu, memory, pods, arch, os, gpu, labels)"
        )
    })?;
    file.presets
        .into_iter()
        .map(|p| p.completed().map_err(|e| format!("{label}: {e}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_family_follows_karpenter_kwok_shapes() {
        let all = builtin();
        let c4 = all.iter().find(|p| p.name == "c-4x-amd64-linux").unwrap();
        assert_eq!((c4.cpu, c4.memory.as_str(), c4.pods), (4, "8Gi", 64));
        let r64 = all.iter().find(|p| p.name == "r-64x-arm64-linux").unwrap();
        assert_eq!((r64.memory.as_str(), r64.pods), ("512Gi", 1024));
        assert_eq!(r64.labels[LABEL_ARCH], "arm64");
        let m1 = all.iter().find(|p| p.name == "m-1x-amd64-linux").unwrap();
        assert_eq!((m1.memory.as_str(), m1.pods), ("4Gi", 16));
    }

    #[test]
    fn names_are_unique_and_gpu_presets_are_labelled() {
        let all = builtin();
        let mut names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        let g5 = all.iter().find(|p| p.name == "g5.xlarge").unwrap();
        assert_eq!(g5.labels["k8s.amazonaws.com/accelerator"], "nvidia-a10g");
        assert_eq!(g5.resources().0[RESOURCE_GPU], "1");
        assert!(all.iter().filter(|p| p.gpu.is_some()).count() >= 8);
    }

    #[test]
    fn allocatable_subtracts_a_realistic_reserve() {
        // 4 cores: 60 + 10 + 10 + 0 = 80m; 16Gi: 1024 + 819 + 819 + 0 + 100 = 2762Mi.
        assert_eq!(reserved_cpu_millis(4000), 80);
        assert_eq!(reserved_memory_mib(16384), 2762);
        let m5 = builtin()
            .into_iter()
            .find(|p| p.name == "m5.xlarge")
            .unwrap();
        let (capacity, allocatable) = m5.resources();
        assert_eq!(capacity["memory"], "16Gi");
        assert_eq!(allocatable["cpu"], "3920m");
        assert_eq!(allocatable["memory"], "13622Mi");
        assert_eq!(allocatable["ephemeral-storage"], "90Gi");
    }

    #[test]
    fn user_presets_complete_and_replace() {
        let text = "presets:\n- name: big\n  cpu: 2\n  memory: 4Gi\n  pods: 20\n  gpu: {type: t4, count: 1}\n";
        let user = parse_user_file("presets.yaml", text).unwrap();
        assert_eq!(user[0].labels[LABEL_INSTANCE_TYPE], "big");
        assert_eq!(user[0].labels["nvidia.com/gpu.product"], "t4");
        let all = catalog(user);
        assert!(all.iter().any(|p| p.name == "big"));
        let err = parse_user_file(
            "p.yaml",
            "presets:\n- name: x\n  cpu: 1\n  memory: lots\n  pods: 1\n",
        )
        .unwrap_err();
        assert!(err.contains("memory `lots`"), "{err}");
        let err = parse_user_file("p.yaml", "presets: [ {").unwrap_err();
        assert!(
            err.starts_with("p.yaml:") && err.contains("not valid YAML"),
            "{err}"
        );
        let err = parse_user_file("p.yaml", "presets:\n- name: x\n  cpus: 1\n").unwrap_err();
        assert!(err.contains("cpus"), "{err}");
    }
}
