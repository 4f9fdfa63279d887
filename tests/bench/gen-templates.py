#!/usr/bin/env python3
"""Generates a kwok provider config and a raw templates file of N realistic node templates.

Each template looks like `kubectl get node -o yaml` output with managedFields trimmed:
labels (incl. the grouping label `kwok-nodegroup`), annotations, taints on some nodes,
status allocatable/capacity, conditions, addresses, nodeInfo and images. Deterministic.

usage: gen-templates.py OUT_DIR [--nodes 10000] [--groups 50]
writes OUT_DIR/config.yaml and OUT_DIR/templates.yaml (one `kind: List`).
"""

import argparse
import os
import random

CONFIG = """\
apiVersion: v1alpha1
readNodesFrom: configmap
nodegroups:
  fromNodeLabelKey: "kwok-nodegroup"
nodes:
  skipTaint: false
  gpuConfig:
    gpuLabelKey: "k8s.amazonaws.com/accelerator"
    availableGPUTypes:
      "nvidia-tesla-k80": {}
      "nvidia-tesla-p100": {}
configmap:
  name: kwok-provider-templates
kwok: {}
"""

# (instance type, cpu, memory GiB, pods, gpus)
SHAPES = [
    ("m5.large", 2, 8, 29, 0),
    ("m5.xlarge", 4, 16, 58, 0),
    ("m5.2xlarge", 8, 32, 58, 0),
    ("c5.4xlarge", 16, 32, 234, 0),
    ("r5.8xlarge", 32, 256, 234, 0),
    ("p3.2xlarge", 8, 61, 58, 1),
    ("p2.8xlarge", 32, 488, 234, 8),
]
ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
GPU = {"p3.2xlarge": "nvidia-tesla-p100", "p2.8xlarge": "nvidia-tesla-k80"}


def node(i, group, shape, rng):
    itype, cpu, mem, pods, gpus = shape
    zone = ZONES[i % len(ZONES)]
    name = f"ip-10-{(i >> 16) & 255}-{(i >> 8) & 255}-{i & 255}.eu-west-1.compute.internal"
    ip = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
    alloc_cpu = f"{cpu * 1000 - 70 - 10 * cpu}m"
    alloc_mem = f"{mem * 1024 * 1024 - 700000 - rng.randrange(100000)}Ki"
    lines = [
        "- apiVersion: v1",
        "  kind: Node",
        "  metadata:",
        "    annotations:",
        "      alpha.kubernetes.io/provided-node-ip: " + ip,
        "      csi.volume.kubernetes.io/nodeid: '{\"ebs.csi.aws.com\":\"i-%016x\"}'" % (i * 7919),
        "      node.alpha.kubernetes.io/ttl: \"0\"",
        "      volumes.kubernetes.io/controller-managed-attach-detach: \"true\"",
    ]
    if i % 4 == 0:
        lines += [
            "      cluster-autoscaler.kwok.nodegroup/min-count: \"0\"",
            "      cluster-autoscaler.kwok.nodegroup/max-count: \"%d\"" % (50 + i % 150),
        ]
    lines += [
        "    creationTimestamp: \"2026-03-%02dT%02d:%02d:%02dZ\"" % (1 + i % 28, i % 24, i % 60, (i * 7) % 60),
        "    labels:",
        "      beta.kubernetes.io/instance-type: " + itype,
        "      eks.amazonaws.com/capacityType: " + ("SPOT" if i % 3 == 0 else "ON_DEMAND"),
        "      eks.amazonaws.com/nodegroup: " + group,
        "      kubernetes.io/arch: amd64",
        "      kubernetes.io/hostname: " + name,
        "      kubernetes.io/os: linux",
        "      kwok-nodegroup: " + group,
        "      node.kubernetes.io/instance-type: " + itype,
        "      topology.kubernetes.io/region: eu-west-1",
        "      topology.kubernetes.io/zone: " + zone,
    ]
    if gpus:
        lines.append("      k8s.amazonaws.com/accelerator: " + GPU[itype])
    lines += [
        "    name: " + name,
        "    resourceVersion: \"%d\"" % (1000000 + i * 13),
        "    uid: %08x-%04x-4%03x-8%03x-%012x" % (
            rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
            rng.getrandbits(12), rng.getrandbits(48)),
        "  spec:",
        "    providerID: aws:///%s/i-%016x" % (zone, i * 7919),
    ]
    if i % 5 == 0:
        lines += [
            "    taints:",
            "    - effect: NoSchedule",
            "      key: dedicated",
            "      value: " + group,
        ]
    if gpus:
        lines += [
            "    - effect: NoSchedule" if i % 5 == 0 else "    taints:\n    - effect: NoSchedule",
            "      key: nvidia.com/gpu",
            "      value: \"true\"",
        ]
    resources = [
        ("cpu", f"\"{cpu}\"", f"{alloc_cpu}"),
        ("ephemeral-storage", "104845292Ki", "\"95551679124\""),
        ("memory", f"{mem * 1024 * 1024}Ki", alloc_mem),
        ("pods", f"\"{pods}\"", f"\"{pods}\""),
    ]
    if gpus:
        resources.append(("nvidia.com/gpu", f"\"{gpus}\"", f"\"{gpus}\""))
    lines += ["  status:", "    addresses:",
              "    - address: " + ip, "      type: InternalIP",
              "    - address: " + name, "      type: Hostname",
              "    allocatable:"]
    lines += [f"      {k}: {a}" for k, _, a in resources]
    lines.append("    capacity:")
    lines += [f"      {k}: {c}" for k, c, _ in resources]
    lines.append("    conditions:")
    for ctype, status, reason, msg in [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]:
        lines += [
            "    - lastHeartbeatTime: \"2026-03-30T10:%02d:%02dZ\"" % (i % 60, (i * 3) % 60),
            "      lastTransitionTime: \"2026-03-01T08:00:00Z\"",
            "      message: " + msg,
            "      reason: " + reason,
            "      status: \"%s\"" % status,
            "      type: " + ctype,
        ]
    lines += [
        "    daemonEndpoints:",
        "      kubeletEndpoint:",
        "        Port: 10250",
        "    nodeInfo:",
        "      architecture: amd64",
        "      bootID: %08x-%04x-%04x-%04x-%012x" % (
            rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16),
            rng.getrandbits(16), rng.getrandbits(48)),
        "      containerRuntimeVersion: containerd://1.7.27",
        "      kernelVersion: 6.1.%d-%d.amzn2023.x86_64" % (100 + i % 30, 100 + i % 50),
        "      kubeProxyVersion: v1.33.1-eks-1234567",
        "      kubeletVersion: v1.33.1-eks-1234567",
        "      machineID: ec2%029x" % rng.getrandbits(116),
        "      operatingSystem: linux",
        "      osImage: Amazon Linux 2023.7.20250609",
        "      systemUUID: ec2%05x-%04x-%04x-%04x-%012x" % (
            rng.getrandbits(20), rng.getrandbits(16), rng.getrandbits(16),
            rng.getrandbits(16), rng.getrandbits(48)),
    ]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--nodes", type=int, default=10000)
    ap.add_argument("--groups", type=int, default=50)
    args = ap.parse_args()
    rng = random.Random(20260330)
    groups = [f"pool-{i:02d}" for i in range(args.groups)]
    # Each group gets a fixed shape, so its templates agree (as real node groups do).
    shape_of = {g: SHAPES[i % len(SHAPES)] for i, g in enumerate(groups)}
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "config.yaml"), "w") as f:
        f.write(CONFIG)
    with open(os.path.join(args.out_dir, "templates.yaml"), "w") as f:
        f.write("apiVersion: v1\nitems:\n")
        for i in range(args.nodes):
            group = groups[rng.randrange(len(groups))] if i >= len(groups) else groups[i]
            f.write(node(i, group, shape_of[group], rng))
        f.write("kind: List\nmetadata:\n  resourceVersion: \"\"\n")


if __name__ == "__main__":
    main()
