"""Unrendered template text in a value a rule needed.

## What it does
Reports a value that a rule needed but that is still template text:
`{{ .Values.instanceType }}` (Helm, Go templates), `${INSTANCE_TYPE}`
(envsubst, CloudFormation-style variables in manifests), `<% ... %>`,
`__IMAGE_TAG__`, or an obvious placeholder left for the user to fill in
(`PLACEHOLDER_INSTANCE_TYPE`, `<instance-type>`, `REPLACE_ME`, `CHANGE_ME`,
`YOUR_CLUSTER_NAME`). The check that needed the value is skipped for it;
nothing is guessed. Rendered output (`helm template ...`) has no such values, and
files under a chart's `templates/` folder are not read at all.

## Why is this bad?
It is not wrong in itself, but hyperlint cannot vouch for what it cannot
see: the instance type, label value or version that will be rendered there
may break the cluster. The finding tells you which checks did not run, so
you can lint the rendered manifests in CI instead.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: train
spec:
  template:
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: "{{ .Values.instanceType }}"
      containers:
        - name: train
          image: my-registry/train:1.0
      restartPolicy: Never
```

## Use instead
```yaml
# Lint what Helm renders:  helm template my-release ./chart | hyperlint check -
apiVersion: batch/v1
kind: Job
metadata:
  name: train
spec:
  template:
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: ml.p5.48xlarge
      containers:
        - name: train
          image: my-registry/train:1.0
      restartPolicy: Never
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-install-packages-using-helm-chart.html
  (the chart is installed with Helm; lint its rendered output)
- https://helm.sh/docs/helm/helm_template/
  (`helm template` renders a chart locally)
"""

ID = "HP003"
NAME = "unrendered-template"
SEVERITY = "info"
TIER = "extended"
# Reported by the rules whose value it was (hyperlint.templating.unrendered); this module is its documentation.
