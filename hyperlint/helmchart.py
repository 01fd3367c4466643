"""Components of the HyperPod Helm chart, recognised in rendered output.

The chart (`schemas/helm-chart.json`) renders the health-monitoring agent,
service accounts for deep health checks and job auto-restart, and the
NVIDIA, Neuron and EFA device plugins. ``component_of`` says which of them an
object is. A name alone is weak evidence (another product may call its agent
`health-monitoring-agent`), so an object counts as a component when:

- one of its container images is the component's image (the last path
  segments of the repository: `.../hyperpod-health-monitoring-agent:<tag>`),
  the variant chosen by the object or container name when several components
  share the image; or
- its name is the component's name (also with a Helm release prefix,
  `dependencies-nvidia-device-plugin`) and something corroborates it: the name
  is distinctive, the Helm `# Source:` comment names the component's sub-chart,
  or (service accounts named in a binding) the binding grants the chart's
  ClusterRole.

Used by HP405 (namespace) and by the run model (``Workload.component``, HP406).
"""

from __future__ import annotations

from .k8s import PodTemplate
from .k8s_workloads import image_matches


def _named(name, component: dict) -> bool:
    if not isinstance(name, str):
        return False
    return any(name == n or name.endswith("-" + n) for n in component["names"])


def _from_subchart(source, component: dict) -> bool:
    return isinstance(source, str) and f"charts/{component['subchart']}/" in source


def component_of(kind: str, name, data, images=(), containers=(), source=None, role=None) -> dict | None:
    """The chart component (an entry of `helm-chart.json`) an object is, or None.

    ``images``/``containers``: its containers' images and names; ``source``: the
    Helm `# Source:` template of its document; ``role``: for a service account
    named in a binding, the ClusterRole/Role the binding grants."""
    candidates = [c for c in data.chart_components if c["kind"] == kind]
    by_image = [c for c in candidates if any(image_matches(i, c.get("images", ())) for i in images)]
    for c in candidates:
        if _named(name, c) and (c in by_image or c["distinctive_name"] or _from_subchart(source, c)
                                or (role is not None and role in c.get("roles", ()))):
            return c
    names = set(x for x in containers if isinstance(x, str))
    for c in by_image:
        if names & set(c.get("containers", ())):
            return c
    return by_image[0] if by_image else None


def pod_component(pod: PodTemplate, data, source=None) -> dict | None:
    """The chart component whose pods ``pod`` describes (DaemonSets, Deployments)."""
    if "component" not in pod.memo:  # asked by the run model and by rules: worked out once
        containers = [c for _, c in pod.containers()]
        pod.memo["component"] = component_of(pod.obj.kind, pod.obj.name, data,
                                             images=[c.get("image") for c in containers],
                                             containers=[c.get("name") for c in containers], source=source)
    return pod.memo["component"]
