"""Reports from saved tables: :mod:`~sim.report.build` (figures, report.md and report.html of a
folder), :mod:`~sim.report.plan` (the figure plan as data), :mod:`~sim.report.captions`,
:mod:`~sim.report.sections` and :mod:`~sim.report.effects` (Markdown of the tables),
:mod:`~sim.report.summaries` (summary.md of runs and experiments) and
:mod:`~sim.report.render` (numbers, Markdown tables, HTML). Importing this package loads no
plotting library; only :mod:`~sim.report.build` and :mod:`~sim.report.plan` do.
"""
