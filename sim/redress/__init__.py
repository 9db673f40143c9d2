"""What traders experience after clearance: disputes over corrections, complaints about delays and
unnecessary inspections, the desk that answers them against service-level deadlines
(:mod:`sim.redress.desk`), and each trader's satisfaction (:mod:`sim.redress.satisfaction`).
Their settings: :mod:`sim.redress.schema`."""
