"""JUnit XML: a test suite per file with findings, a failing test case per finding.

CI systems that read test reports (GitLab, Jenkins, Azure Pipelines) list
each finding with its file and line. A clean run is one passing test case;
internal errors are test cases with an ``<error>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from . import relative_path
from .text import described, format_finding

# characters XML 1.0 cannot carry, even escaped
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def render(result, out, **_options) -> None:
    root = ET.Element("testsuites", name="hyperlint")
    for file, group in groupby(sorted(result.findings, key=lambda f: f.loc.file), key=lambda f: f.loc.file):
        findings = list(group)
        path = _clean(relative_path(file))
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(findings)),
                              failures=str(len(findings)), errors="0", skipped="0")
        for f in findings:
            case = ET.SubElement(suite, "testcase", name=_clean(f"{f.rule} at {f.loc.line}:{f.loc.column}"),
                                 classname=path, file=path, line=str(f.loc.line))
            failure = ET.SubElement(case, "failure", message=_clean(described(f)), type=f.severity)
            failure.text = _clean(format_finding(f))
    if not result.findings or result.errors:
        suite = ET.SubElement(root, "testsuite", name="hyperlint", tests=str(max(1, len(result.errors))),
                              failures="0", errors=str(len(result.errors)), skipped="0")
        if not result.errors:
            ET.SubElement(suite, "testcase", name=f"hyperlint check ({result.files} files)", classname="hyperlint")
        for i, message in enumerate(result.errors, 1):
            case = ET.SubElement(suite, "testcase", name=f"internal error {i}", classname="hyperlint")
            ET.SubElement(case, "error", message=_clean(message), type="internal").text = _clean(message)
    root.set("tests", str(len(root.findall("./testsuite/testcase"))))
    root.set("failures", str(len(result.findings)))
    root.set("errors", str(len(result.errors)))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
