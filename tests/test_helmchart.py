"""Recognising the HyperPod Helm chart's components (hyperlint.helmchart)."""

from __future__ import annotations

from hyperlint.data import Data
from hyperlint.helmchart import component_of

HMA = "905418368575.dkr.ecr.us-west-2.amazonaws.com/hyperpod-health-monitoring-agent:1.0.1892.0_1.0.424.0"
SOURCE = "hyperpod-helm-chart/charts/health-monitoring-agent/templates/health-monitoring-agent.yaml"


def _id(*args, **kwargs):
    found = component_of(*args, **kwargs)
    return found["id"] if found else None


def test_by_image_with_the_variant_from_names():
    data = Data()
    assert _id("DaemonSet", "health-monitoring-agent", data, images=[HMA]) == "health-monitoring-agent"
    assert _id("DaemonSet", "health-monitoring-agent-non-nvidia", data, images=[HMA]) == \
        "health-monitoring-agent-non-nvidia"
    assert _id("DaemonSet", "node-health", data, images=[HMA], containers=["health-monitoring-agent-non-nvidia"]) == \
        "health-monitoring-agent-non-nvidia"
    assert _id("DaemonSet", "node-health", data, images=[HMA]) == "health-monitoring-agent"
    assert _id("Deployment", "node-health", data, images=[HMA]) is None  # the agent is a DaemonSet


def test_device_plugins_by_image_or_prefixed_name():
    data = Data()
    assert _id("DaemonSet", "x", data, images=["nvcr.io/nvidia/k8s-device-plugin:v0.16.1"]) == "nvidia-device-plugin"
    assert _id("DaemonSet", "x", data, images=["rocm/k8s-device-plugin:1.25"]) is None  # AMD's, not NVIDIA's
    assert _id("DaemonSet", "x", data, images=["public.ecr.aws/neuron/neuron-device-plugin:2.19.16.0"]) == \
        "neuron-device-plugin"
    efa = "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/aws-efa-k8s-device-plugin:v0.5.6"
    assert _id("DaemonSet", "x", data, images=[efa]) == "efa-device-plugin"
    assert _id("DaemonSet", "dependencies-nvidia-device-plugin", data, images=["mirror.local/plugin:1"],
               source="hyperpod-helm-chart/charts/nvidia-device-plugin/templates/daemonset-device-plugin.yml") == \
        "nvidia-device-plugin"


def test_generic_names_need_corroboration():
    data = Data()
    assert _id("DaemonSet", "health-monitoring-agent", data, images=["example.com/agent:1"]) is None
    assert _id("DaemonSet", "health-monitoring-agent", data, images=["example.com/agent:1"], source=SOURCE) == \
        "health-monitoring-agent"
    assert _id("ServiceAccount", "health-monitoring-agent", data) is None
    assert _id("ServiceAccount", "health-monitoring-agent", data, source=SOURCE) == "health-monitoring-agent-service-account"
    assert _id("ServiceAccount", "health-monitoring-agent", data, role="health-monitoring-agent") == \
        "health-monitoring-agent-service-account"
    assert _id("ServiceAccount", "deep-health-check-service-account", data) == "deep-health-check-service-account"
    assert _id("ServiceAccount", ["job-auto-restart"], data) is None  # wrong type: no crash
