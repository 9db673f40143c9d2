"""Enterprises: the traders who lodge declarations.

Their state lives in numpy arrays (one entry per enterprise) so that a day's declarations can
be drawn for all ports at once; each :class:`Enterprise` mesa agent is a view on its row.
"""
from __future__ import annotations

import mesa
import numpy as np

from sim.config import PopulationConfig


class Population:
    """Array state of all enterprises and the per-port draw of who declares."""

    def __init__(self, cfg: PopulationConfig, port_volumes: np.ndarray, rng: np.random.Generator):
        n = cfg.enterprises
        self.model_names = list(cfg.business_models)
        models = list(cfg.business_models.values())
        shares = np.array([m.share for m in models])
        self.business_model = rng.choice(len(models), size=n, p=shares / shares.sum())
        # Heavy-tailed size: Pareto(alpha) weight of an enterprise in its port's declarations.
        self.size = rng.pareto(cfg.size_alpha, size=n) + 1.0
        # Honesty: a gamma multiplier with mean 1 and the configured CV on the model's rate.
        cv2 = cfg.honesty_cv ** 2
        honesty = rng.gamma(1 / cv2, cv2, size=n) if cv2 > 0 else np.ones(n)
        pick = lambda attr: np.array([getattr(m, attr) for m in models])[self.business_model]  # noqa: E731
        self.violation_prob = np.minimum(pick("violation_prob") * honesty, 1.0)
        self.import_share = pick("import_share")
        self.duty_rate = pick("duty_rate") * rng.uniform(0.5, 1.5, size=n)
        self.value_median = pick("value_median")
        self.value_sigma = pick("value_sigma")
        self.parcels = pick("parcels")
        self.home_port = self._home_ports(port_volumes, rng)
        self._cdf = [self._port_cdf(p) for p in range(len(port_volumes))]

    def _home_ports(self, volumes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Ports in proportion to volume; every port with traffic gets at least one trader."""
        active = np.flatnonzero(volumes > 0)  # config validation: enterprises >= len(active)
        n = len(self.size)
        home = rng.choice(len(volumes), size=n, p=volumes / volumes.sum())
        home[: len(active)] = active
        return home

    def _port_cdf(self, port: int) -> tuple[np.ndarray, np.ndarray]:
        members = np.flatnonzero(self.home_port == port)
        cdf = np.cumsum(self.size[members])
        return members, cdf / cdf[-1] if len(cdf) else cdf

    def draw(self, port: int, u: np.ndarray) -> np.ndarray:
        """Enterprise ids for uniforms ``u``: larger enterprises declare more often."""
        members, cdf = self._cdf[port]
        return members[np.minimum(np.searchsorted(cdf, u), len(members) - 1)]


class Enterprise(mesa.Agent):
    """A trader; a view on its row of :class:`Population`."""

    def __init__(self, model: mesa.Model, row: int):
        super().__init__(model)
        self.row = row

    @property
    def business_model(self) -> str:
        pop = self.model.population
        return pop.model_names[pop.business_model[self.row]]

    @property
    def violation_prob(self) -> float:
        return float(self.model.population.violation_prob[self.row])
