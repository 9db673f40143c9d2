"""Enterprises: the traders who lodge declarations, and their credit and perceived risk.

State lives in numpy arrays, one row per enterprise (the smugglers' front companies are rows
too, so credit tiers treat them like anyone else); each :class:`Enterprise` mesa agent is a
view on its row. Rows are only touched when an event concerns them (a batch they declare in,
a finding, an agency report), never by daily loops over everyone.
"""
from __future__ import annotations

import mesa
import numpy as np

from sim.config import PopulationConfig

AEO, GENERAL, DISHONEST = 0, 1, 2
TIERS = ("aeo", "general", "dishonest")


class Population:
    """Array state of all enterprises and the per-port draw of who declares."""

    def __init__(self, cfg: PopulationConfig, port_volumes: np.ndarray, rng: np.random.Generator):
        self.cfg = cfg
        n_fronts = cfg.smugglers.networks * cfg.smugglers.fronts_per_network
        n = cfg.enterprises + n_fronts
        self.model_names = list(cfg.business_models)
        models = list(cfg.business_models.values())
        shares = np.array([m.share for m in models])
        self.business_model = rng.choice(len(models), size=n, p=shares / shares.sum())
        self.front = np.arange(n) >= cfg.enterprises
        covers = [self.model_names.index(c) for c in cfg.smugglers.covers] or [0]
        self.business_model[self.front] = np.resize(covers, n_fronts)
        # Heavy-tailed size: Pareto(alpha) weight of an enterprise in its port's declarations.
        self.size = rng.pareto(cfg.size_alpha, size=n) + 1.0
        # Honesty: a gamma multiplier with mean 1 and the configured CV on the model's rate.
        cv2 = cfg.honesty_cv ** 2
        honesty = rng.gamma(1 / cv2, cv2, size=n) if cv2 > 0 else np.ones(n)
        pick = lambda attr: np.array([getattr(m, attr) for m in models])[self.business_model]  # noqa: E731
        self.propensity = np.where(self.front, 0.0, np.minimum(pick("violation_prob") * honesty, 0.999))
        self.error_prob = pick("error_prob")
        self.import_share = pick("import_share")
        self.duty_rate = pick("duty_rate") * rng.uniform(0.5, 1.5, size=n)
        self.value_median = pick("value_median")
        self.value_sigma = pick("value_sigma")
        self.parcels = pick("parcels")
        self.home_port = self._home_ports(port_volumes, rng)
        self._cdf = [self._port_cdf(p) for p in range(len(port_volumes))]
        self.partner, self.partner_aeo = self._partners(rng)
        self.score = self._initial_scores(rng)
        self.perceived = np.full(n, cfg.behaviour.prior_risk)

    def _home_ports(self, volumes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Ports in proportion to volume; every port with traffic gets at least one trader."""
        active = np.flatnonzero(volumes > 0)  # config validation: enterprises >= len(active)
        home = rng.choice(len(volumes), size=len(self.size), p=volumes / volumes.sum())
        home[: len(active)] = active
        return home

    def _port_cdf(self, port: int) -> tuple[np.ndarray, np.ndarray]:
        members = np.flatnonzero((self.home_port == port) & ~self.front)
        cdf = np.cumsum(self.size[members])
        return members, cdf / cdf[-1] if len(cdf) else cdf

    def _partners(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Each trader's main foreign partner country, and whether its counterpart is an AEO."""
        countries = list(self.cfg.partner_countries.values())
        n = len(self.size)
        if not countries:
            return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
        shares = np.array([c.share for c in countries])
        partner = rng.choice(len(countries), size=n, p=shares / shares.sum())
        aeo = rng.random(n) < np.array([c.aeo_share for c in countries])[partner]
        return partner, aeo

    def _initial_scores(self, rng: np.random.Generator) -> np.ndarray:
        """AEO status goes to large traders, the dishonest tier to the most violation-prone."""
        c = self.cfg.credit
        n = len(self.size)
        score = np.full(n, c.start_general)
        firms = np.flatnonzero(~self.front)
        n_aeo = int(round(c.aeo_share * len(firms)))
        n_bad = min(int(round(c.dishonest_share * len(firms))), len(firms) - n_aeo)
        aeo = rng.choice(firms, size=n_aeo, replace=False, p=self.size[firms] / self.size[firms].sum())
        rest = np.setdiff1d(firms, aeo)
        weight = self.propensity[rest] + 1e-12
        bad = rng.choice(rest, size=n_bad, replace=False, p=weight / weight.sum())
        score[aeo], score[bad] = c.start_aeo, c.start_dishonest
        return score

    def tier(self, rows) -> np.ndarray:
        """Credit tier (AEO, GENERAL, DISHONEST) of the given rows from their scores."""
        c = self.cfg.credit
        score = self.score[rows]
        return np.where(score >= c.aeo_threshold, AEO, np.where(score < c.dishonest_threshold,
                                                                  DISHONEST, GENERAL)).astype(np.int8)

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
    def credit_tier(self) -> str:
        return TIERS[int(self.model.population.tier(self.row))]

    @property
    def credit_score(self) -> float:
        return float(self.model.population.score[self.row])

    @property
    def perceived_risk(self) -> float:
        return float(self.model.population.perceived[self.row])
