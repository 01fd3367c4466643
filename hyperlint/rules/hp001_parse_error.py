"""File or document that cannot be parsed.

## What it does
Reports YAML or JSON that cannot be read: a syntax error, a duplicate key,
an alias to an unknown anchor, bytes that are not UTF-8 (or UTF-16/32 with a
byte-order mark), or a binary file. The finding sits at the line and column
where the parser stopped. The other documents of the file and the other
files are still linted: a Helm-rendered stream with one broken document
still reports everything after it.

An unrendered Helm or Go template (a chart file linted outside its chart,
say) is not YAML: where unquoted template text such as
`{{ .Values.instanceType }}` breaks the parse, one finding per file points
at that text and says to render it first, instead of a confusing "complex
mapping key" error for each action.

A Helm chart that Helm cannot render is one finding at the template line
Helm names. When only the chart's own `values.yaml` was given and the
template stopped on its values (`required`, `fail`, a nil pointer), the
finding is info: such charts are installed with `--set` or generated values,
so the fix is to give hyperlint those values (a `ci/*-values.yaml`, or
`charts:` renders in the configuration), not to change the chart.

In a CloudFormation template, a short-form tag that CloudFormation does not
know (`!if`, `!getatt`, a custom `!Tag`) is reported at the tag, with the
short form it most likely means: CloudFormation rejects the whole template.
The rule-assertion functions of `Rules` (`!Contains`, `!EachMemberEquals`,
`!EachMemberIn`, `!RefAll`, `!ValueOf`, `!ValueOfAll`) and the
`AWS::LanguageExtensions` ones (`!ForEach`, `!Length`, `!ToJsonString`) are
CloudFormation's own.

On a directory walk, a file is reported only when it is an input
(`hyperlint.recognise`): one that does not parse is an error only when its
text shows it is meant as one (`apiVersion:` with `kind:`,
`AWSTemplateFormatVersion`, `Resources:` with `Type: AWS::`, cluster JSON
keys) and is not template source (unrendered `{{ }}`/`${VAR}` text where it
breaks, a file named as a template). A `tsconfig.json` with comments, a Hydra
config with `{placeholders}`, an empty or binary file and a broken symbolic
link met on a walk are skipped, counted in the summary and listed by
`--show-files`; a file named on the command line or read from stdin is
always an input.

It also reports files that could not be read at all, at line 1: no
permission, a broken symbolic link named on the command line, a file removed
while hyperlint ran, a FIFO or device met in a folder (never opened), a file
over 256 MiB. And
documents beyond hyperlint's limits, which are skipped while the rest of
the stream is linted: more than 1,000,000 values, counting each YAML alias
and merge key as the values it stands for (an alias "billion laughs"), or
YAML nested more than 1,000 levels deep.

## Why is this bad?
`kubectl apply`, Helm and CloudFormation reject the whole file, and every
other check of that document is skipped. A duplicate key is worse: YAML
parsers keep one of the two values silently, so what is applied is not what
the reader sees.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: trainer
  name: trainer-2
spec:
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
  containers:
    - name: main
      image: busybox
```

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
  (templates are YAML or JSON)
- https://yaml.org/spec/1.2.2/#mapping (mapping keys are unique)
"""

ID = "HP001"
NAME = "parse-error"
SEVERITY = "error"
EMITS = ("error", "info")  # info: a chart that needs more than its default values to render
TIER = "core"
# Reported by the engine while parsing (hyperlint.parse); this module is its documentation.
