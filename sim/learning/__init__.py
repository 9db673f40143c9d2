"""Risk targeting that learns from declarations: plain numpy/pandas in, scores and selections out.

Used by ``tradesim targeting`` on real declarations, and built to serve the simulation's learned
targeting too: nothing here imports the model, and every random draw comes from a
``numpy.random.Generator`` (or a seed) passed in.

Modules: :mod:`~sim.learning.public_data` (files in the public customs data's schema, the
revenue proxy), :mod:`~sim.learning.features` (what a model sees of a declaration),
:mod:`~sim.learning.strategies` (random, rules, logistic, gbm, gbm_revenue),
:mod:`~sim.learning.ranking` (metrics at k% inspected; selection with exploration),
:mod:`~sim.learning.holdout` (fit on one file, rank another), :mod:`~sim.learning.replay`
(week-by-week selection with selection-biased labels) and :mod:`~sim.learning.attributes`
(distributions of declaration attributes for the generator, fitted to the public data).
"""
