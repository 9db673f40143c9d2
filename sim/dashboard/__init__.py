"""``tradesim dashboard``: a local web app (Solara) over saved results, for people who decide on a pilot.

It sits in the CLI layer: it reads saved tables with the report's own loader and draws them with
:mod:`sim.figures` (no second implementation), and it runs new settings only through the
``tradesim compare`` command in a background process. Nothing below the CLI imports it.

Modules: :mod:`~sim.dashboard.explore` (tables of a folder -> the data and figure of a chart),
:mod:`~sim.dashboard.levers` (a scenario's lever parameters, checked like the CLI checks them),
:mod:`~sim.dashboard.trial` (the background run: progress, cancel) and :mod:`~sim.dashboard.app`
(the Solara page; needs ``pip install 'tradesim[dashboard]'``).
"""
