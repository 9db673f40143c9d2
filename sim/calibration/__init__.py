"""Calibration and uncertainty: declared uncertain parameters (``parameters``), observed targets
and validation targets as data (``targets``), points of parameter space run through the
experiment job store (``points``), the Optuna search (``search``), global sensitivity with SALib
(``sensitivity``) and calibrated presets (``presets``)."""
