"""Extract: each document's contribution to the run model (``hyperlint.model``).

Called by the engine for every classified unit, while the document's tree and
positions are still at hand; everything kept is plain data with resolved
locations.

By input kind: ``kubernetes`` (objects, rendered charts, chart values files),
``cloudformation`` (templates and the Terraform view), ``api`` (describe-cluster
JSON and the configuration's ``cluster:`` section); ``common`` holds what they
share.
"""

from .api import from_configuration, from_describe_cluster
from .cloudformation import from_cfn
from .kubernetes import from_k8s, from_values

__all__ = ["from_cfn", "from_configuration", "from_describe_cluster", "from_k8s", "from_values"]
