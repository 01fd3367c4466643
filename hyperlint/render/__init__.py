"""Render: Helm charts -> rendered manifests, with a map back to their sources.

- ``chart``: what a chart folder holds (its templates and values files on
  disk, its subcharts, the dependencies it declares but does not vendor);
- ``helm``: the renderers (the ``helm`` binary, else Helm's Go SDK through
  ``helm-python-sdk``), offline, one values set at a time;
- ``gotemplate``: Go template text read without running it (actions, literal
  lines, ``.Values`` references);
- ``sourcemap``: a rendered line or value -> the template line or values key
  that produced it, or an honest "not sure";
- ``charts``: the pipeline hook (renders become inputs; findings in them are
  mapped back and merged across renders);
- ``valuesets``: which values sets a chart is rendered with; ``failures``: a
  render Helm refuses, as an HP001 finding at the place to fix.

Nothing here is imported unless a run meets a chart.
"""
