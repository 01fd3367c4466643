"""Suppression that suppressed nothing.

## What it does
Reports a `# hyperlint: disable=...` comment, a `hyperlint.io/ignore`
annotation or a CloudFormation `Metadata: {hyperlint: {ignore: [...]}}`
entry that did not silence any finding of the rules that ran, or that names
a rule that does not exist, and a `# hyperlint:` comment that is not a valid
directive (so a typo never silently fails to suppress).

## Why is this bad?
Stale suppressions hide the next real problem on that line and tell
reviewers that something is wrong when it no longer is. Removing them keeps
every suppression meaningful (the same idea as ruff's RUF100).

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: trainer
spec:
  nodeSelector:
    node.kubernetes.io/instance-type: ml.p5.48xlarge  # hyperlint: disable=HP301 -- fixed long ago
  containers:
    - name: main
      image: busybox
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: trainer
spec:
  nodeSelector:
    node.kubernetes.io/instance-type: ml.p5.48xlarge
  containers:
    - name: main
      image: busybox
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (the requirements the suppressed rules stand for; suppression syntax: this project's README)
"""

ID = "HP002"
NAME = "unused-suppression"
SEVERITY = "warning"
TIER = "extended"
# Reported by hyperlint.suppress after all other rules ran; this module is its documentation.
