"""The metric schema: every column of the `quarterly` table, once.

Each :class:`Metric` says what kind of quantity it is, what it counts or is a ratio of, its
unit and human label, and so how it pools over ports and quarters. The ledger builds the
`quarterly` columns from it; pooling, comparisons, figures and the report read names, labels,
units and pooling rules from here and nowhere else.

Kinds and how they pool over port-quarters:

- ``count`` and ``amount``: summed.
- ``rate`` and ``time``: ``numerator / denominator`` of two ledger sums; pooled as the ratio of
  the pooled sums, i.e. the mean of the rows weighted by ``denominator`` (a column too).
- ``percentile``: per port-quarter; pooled as the ``denominator``-weighted mean of the rows (an
  approximation of the pooled percentile, said so in the docs).
- ``score``: a statistic of the port-quarter's declarations that is no ratio of sums (a model's
  AUC, a disparity ratio); pooled like a percentile, as the ``denominator``-weighted mean (an
  approximation: the pooled statistic needs the declarations, e.g. burden by group in `breakdown`).
- ``stock``: a level at a point in time (declarations in process); not pooled.
"""
from __future__ import annotations

from dataclasses import dataclass

COUNT, AMOUNT, RATE, TIME, PERCENTILE, STOCK, SCORE = "count", "amount", "rate", "time", "percentile", "stock", \
    "score"
KINDS = (COUNT, AMOUNT, RATE, TIME, PERCENTILE, STOCK, SCORE)
KEYS = ("scenario", "replication", "seed", "port", "quarter", "pilot")


@dataclass(frozen=True)
class Metric:
    """One column of the quarterly table.

    Attributes:
        name: Column name.
        kind: One of :data:`KINDS`.
        label: Human label for figures and tables.
        unit: Unit as shown to people ("share" for rates in [0, 1]).
        doc: What it means, one line (the README's column table).
        numerator: Ledger sum it is built from (counts and amounts: the sum itself; empty when
            the ledger computes the column otherwise, e.g. percentiles and stocks).
        denominator: For rates, times and percentiles: the count column it is a rate of, which
            is also the pooling weight.
        scale: Factor applied before showing it (amounts in million CNY).

    """
    name: str
    kind: str
    label: str
    unit: str
    doc: str
    numerator: str = ""
    denominator: str = ""
    scale: float = 1.0

    @property
    def pooled(self) -> bool:
        """Whether the metric can be pooled over ports and quarters."""
        return self.kind != STOCK

    @property
    def weighted(self) -> bool:
        """Pooled as a weighted mean (by :attr:`denominator`) rather than a sum."""
        return self.kind in (RATE, TIME, PERCENTILE, SCORE)


def _count(name, label, doc, numerator=None):
    return Metric(name, COUNT, label, "declarations", doc, numerator=numerator or name)


def _rate(name, label, doc, numerator, denominator):
    return Metric(name, RATE, label, "share", doc, numerator=numerator, denominator=denominator)


def _amount(name, label, doc):
    return Metric(name, AMOUNT, label, "million CNY", doc, numerator=name, scale=1e-6)


def _score(name, label, unit, doc, denominator):
    return Metric(name, SCORE, label, unit, doc, denominator=denominator)


GROUP_LABELS = {"size_class": "size class", "business_model": "business model", "origin_region": "origin region",
                "ownership": "ownership (domestic or foreign-invested)", "tenure": "tenure (new or established)"}


METRICS: tuple[Metric, ...] = (
    _count("declarations", "Declarations", "declarations that arrived in the quarter"),
    _count("released", "Released", "declarations released in the quarter"),
    _count("seized", "Seized", "declarations seized in the quarter"),
    Metric("in_process_start", STOCK, "In process at the quarter's start", "declarations",
           "arrived but neither released nor seized, at the quarter's start"),
    Metric("in_process", STOCK, "In process at the quarter's end", "declarations",
           "arrived but neither released nor seized, at the quarter's end"),
    Metric("release_time_mean_h", TIME, "Mean release time", "hours",
           "arrival to release, over declarations released in the quarter", "release_h", "released"),
    Metric("release_time_p50_h", PERCENTILE, "Median release time", "hours",
           "median arrival-to-release time of the quarter's releases", denominator="released"),
    Metric("release_time_p90_h", PERCENTILE, "90th percentile release time", "hours",
           "90th percentile arrival-to-release time of the quarter's releases", denominator="released"),
    Metric("exit_time_mean_h", TIME, "Mean time to removal", "hours",
           "arrival to removal of the goods (release plus the trader's pick-up)", "exit_h", "released"),
    Metric("release_time_import_mean_h", TIME, "Mean release time, imports", "hours",
           "arrival to release of imports", "release_h_import", "released_import"),
    Metric("release_time_export_mean_h", TIME, "Mean release time, exports", "hours",
           "arrival to release of exports", "release_h_export", "released_export"),
    _rate("inspection_rate", "Inspection rate", "share that got an NII scan or a physical inspection",
          "inspections", "declarations"),
    _rate("physical_inspection_rate", "Physical inspection rate", "share that got a physical inspection",
          "physical", "declarations"),
    _rate("nii_share", "NII share of inspections", "NII-only inspections / all inspections",
          "nii_only", "inspections"),
    _rate("hit_rate", "Hit rate", "inspections that found a violation / inspections (observed)",
          "hits", "inspections"),
    _rate("violation_rate", "Violation rate", "true violations / declarations (ground truth)",
          "violations", "declarations"),
    _rate("detection_rate", "Detection rate", "violations found at the border or by audit / true violations",
          "detected", "violations"),
    _amount("revenue_due", "Revenue due", "duty owed in truth (CNY)"),
    _amount("revenue_collected", "Revenue collected", "duty collected: declared plus recovered (CNY)"),
    _amount("revenue_leakage", "Revenue leakage", "duty lost: due minus collected (CNY)"),
    _count("compliant_inspected", "Compliant declarations inspected",
           "inspections of compliant declarations (burden on honest traders)"),
    _rate("officer_utilization", "Officer utilisation", "busy officer-hours / on-shift officer-hours, all roles",
          "officer_busy_h", "officer_on_shift_h"),
    _count("smuggling_attempts", "Smuggling attempts", "declarations by smuggling networks"),
    _count("smuggling_seized", "Smuggling attempts seized", "smuggling networks' declarations seized"),
    _count("inspections", "Inspections", "NII scans or physical inspections"),
    _count("violations", "Violations", "true violations among the quarter's declarations"),
    _count("detected", "Violations detected", "violations found at the border or by audit"),
    _count("released_import", "Imports released", "imports released in the quarter"),
    _count("released_export", "Exports released", "exports released in the quarter"),
    _rate("inspections_per_declaration", "Inspections per declaration",
          "customs plus separate other-agency inspections per declaration", "all_inspections", "declarations"),
    _count("agency_inspections", "Separate agency inspections", "inspections by another agency on its own"),
    _count("joint_inspections", "Joint inspections", "inspections shared by customs and other agencies"),
    _count("voluntary_disclosures", "Voluntary disclosures", "errors the traders disclosed themselves"),
    _count("duplicate_submissions", "Duplicate data submissions",
           "the declaration's data entered again for another agency (permits, inspections) outside the single window"),
    _count("partner_aeo_declarations", "Declarations with AEO partners",
           "trade with an AEO-certified counterpart abroad"),
    _rate("partner_aeo_inspection_rate", "Inspection rate, AEO partners",
          "inspected share of trade with an AEO counterpart", "partner_aeo_inspections", "partner_aeo_declarations"),
    Metric("officer_busy_h", AMOUNT, "Officer busy hours", "hours", "officer-hours spent serving, all roles",
           numerator="officer_busy_h"),
    Metric("officer_on_shift_h", AMOUNT, "Officer on-shift hours", "hours",
           "officer-hours on shift (scheduled plus overtime), all roles", numerator="officer_on_shift_h"),
    _count("compliant_declarations", "Compliant declarations", "declarations without a true violation"),
    _rate("compliant_inspection_rate", "Burden on compliant declarations",
          "inspected share of compliant declarations", "compliant_inspected", "compliant_declarations"),
    *(_score(f"burden_disparity_{g}", f"Burden disparity by {label}", "ratio",
             f"highest over lowest compliant inspection rate among the groups by {label} (sim/burden.py)",
             "compliant_declarations") for g, label in GROUP_LABELS.items()),
    _count("model_scored", "Declarations scored", "declarations a targeting model scored"),
    _count("model_selected", "Selected by targeting", "scored declarations targeting selected for inspection"),
    _count("model_scored_violations", "Violations among the scored", "true violations among scored declarations"),
    _count("model_selected_violations", "Violations selected", "true violations among targeting's selections"),
    _amount("model_scored_evaded", "Duty evaded, scored declarations", "duty evaded in truth by scored declarations"),
    _amount("model_selected_evaded", "Duty evaded, selected declarations",
            "duty evaded in truth by the declarations targeting selected"),
    _rate("model_precision", "Targeting precision", "true violations among targeting's selections (at the "
          "inspection rate)", "model_selected_violations", "model_selected"),
    _rate("model_recall", "Targeting recall", "share of the scored violations that targeting selected",
          "model_selected_violations", "model_scored_violations"),
    _rate("model_revenue_recall", "Targeting revenue recall", "share of the scored declarations' evaded duty "
          "that targeting selected", "model_selected_evaded", "model_scored_evaded"),
    _score("model_auc", "Targeting model AUC", "AUC", "ROC AUC of targeting's scores against the true violations "
           "of all scored declarations (sim/scoring.py)", "model_scored"),
    _score("model_auc_smuggling", "Targeting model AUC, smuggling", "AUC",
           "ROC AUC of the scores for smuggling attempts against compliant declarations", "model_scored"),
    _score("model_drift", "Targeting model drift", "AUC change", "AUC of declarations scored by a model over a "
           "week old minus AUC in models' first week (change since the last retrain)", "model_scored"),
    # What traders experience after clearance (sim/redress): cases by the quarter they were filed.
    _count("corrections", "Corrections", "findings corrected without seizure (by the quarter the trader learned "
           "of them)"),
    Metric("disputes", COUNT, "Disputes", "cases", "corrections the traders returned to customs (disputed)",
           numerator="disputes"),
    _rate("dispute_return_rate", "Dispute return rate", "disputes / corrections", "disputes", "corrections"),
    Metric("complaints", COUNT, "Complaints", "cases", "complaints about delays and inspections of compliant goods",
           numerator="complaints"),
    Metric("cases_upheld", COUNT, "Cases upheld", "cases", "disputes and complaints decided for the trader",
           numerator="cases_upheld"),
    Metric("replies_due", COUNT, "Replies due", "cases", "disputes and complaints whose reply deadline falls "
           "within the horizon", numerator="replies_due"),
    _rate("sla_reply_compliance", "Replies within the service level", "replies by the deadline / replies due",
          "replies_on_time", "replies_due"),
    Metric("fixes_due", COUNT, "Fixes due", "cases", "upheld cases whose fix deadline falls within the horizon",
           numerator="fixes_due"),
    _rate("sla_fix_compliance", "Fixes within the service level", "fixes by the deadline / fixes due",
          "fixes_on_time", "fixes_due"),
    Metric("surveyed_traders", COUNT, "Traders surveyed", "traders", "traders with goods released at the port in "
           "the quarter", numerator="surveyed_traders"),
    _rate("satisfaction_share", "Satisfied traders", "satisfied / surveyed traders at the quarter's end",
          "satisfied_traders", "surveyed_traders"),
    # Reforms of issue 16 (docs/reforms.md): local declaration, international intelligence sharing
    _count("local_declarations", "Declarations lodged inland", "declarations lodged at an inland customs office "
           "(local declaration; it reviews those routed to document review, inspections stay at the port)"),
    _count("released_document", "Released after document review", "declarations released in the quarter whose "
           "channel was document review"),
    Metric("release_time_document_mean_h", TIME, "Mean release time, document review", "hours",
           "arrival to release of declarations reviewed (document channel)", "release_h_document",
           "released_document"),
    Metric("released_per_officer_h", RATE, "Releases per officer-hour", "per officer-hour",
           "declarations released / on-shift officer-hours, all roles (throughput per officer)", "released",
           "officer_on_shift_h"),
    _count("intel_flagged", "Flagged by partner intelligence", "declarations checked more because a partner "
           "customs reported the trader"),
    _count("partner_violations", "Violations, intel partners", "true violations of traders trading with a "
           "partner whose customs can share intelligence (population.partner_countries.X.shares_intel)"),
    _count("partner_detected", "Violations detected, intel partners", "those found at the border or by audit"),
    _rate("partner_detection_rate", "Detection rate, intel partners", "violations of trade with intel partners "
          "found / their true violations", "partner_detected", "partner_violations"),
    _count("partner_smuggling_attempts", "Smuggling attempts via intel partners",
           "smuggling networks' declarations through fronts trading with an intel partner"),
    _rate("partner_smuggling_share", "Smuggling share via intel partners", "smuggling attempts via intel "
          "partners / all smuggling attempts", "partner_smuggling_attempts", "smuggling_attempts"),
)
BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}
POOLED: tuple[str, ...] = tuple(m.name for m in METRICS if m.pooled)
QUARTERLY_COLUMNS: tuple[str, ...] = KEYS + tuple(m.name for m in METRICS)


def metric(name: str) -> Metric:
    """The schema entry of ``name``; a column not in the schema (e.g. a derived figure
    quantity) gets a generic entry inferred from its name."""
    if name in BY_NAME:
        return BY_NAME[name]
    unit = "hours" if name.endswith("_h") else "share" if name.endswith(("_rate", "_share")) else "count"
    kind = TIME if unit == "hours" else RATE if unit == "share" else COUNT
    return Metric(name, kind, name.replace("_", " ").capitalize(), unit, "")


def label(name: str) -> str:
    """"Mean release time (hours)": the label and unit of a metric, for axes and tables."""
    m = metric(name)
    unit = "million CNY" if m.scale == 1e-6 else m.unit
    return f"{m.label} ({unit})"


# events.csv (sim.resilience): one row per disruption event and replication, not pooled over
# ports or quarters; docs/events.md defines each against the event's pre-event level.
EVENT_METRICS: tuple[Metric, ...] = (
    Metric("peak_backlog", STOCK, "Peak backlog", "declarations",
           "most declarations in process at the event's ports from its start to its recovery"),
    _count("delayed_24h", "Delayed beyond 24 h", "declarations in process over 24 h, above the pre-event share"),
    Metric("extra_release_h", AMOUNT, "Extra release hours", "hours",
           "declaration-hours in process above the pre-event level, from the start to the recovery"),
    Metric("recovery_h", TIME, "Recovery time", "hours",
           "from the end of the disruption until the backlog is within 10% of its pre-event level"),
    Metric("revenue_deferred", AMOUNT, "Revenue deferred", "million CNY",
           "duty held in the backlog at the end of the disruption above the pre-event level", scale=1e-6),
    Metric("offered_load", SCORE, "Offered load", "work / server-hours",
           "at the busiest of the event's ports and roles: service hours routed there during the disruption "
           "over the server-hours that could work then (1 or more: the queue grows)"),
)
EVENT_AFTER_H = 48.0  # "after" an event: the last two days of its window (p90 columns, phase table)
EVENT_COLUMNS: tuple[str, ...] = ("replication", "event", "kind", "port", "start", "duration_h",
                                  *(m.name for m in EVENT_METRICS), "busiest",
                                  *(f"p90{who}_{phase}_h" for who in ("", "_checked", "_models", "_models_checked")
                                    for phase in ("before", "during", "after")))
EVENT_BACKLOG_COLUMNS = ("replication", "event", "hour", "backlog", "pre_event", "release_time_p90_h",
                         "release_time_p90_checked_h")
BY_NAME.update({m.name: m for m in EVENT_METRICS})
