"""Enterprises: the traders who lodge declarations, and their credit and perceived risk.

State lives in numpy arrays, one row per enterprise (the smugglers' front companies are rows
too, so credit tiers treat them like anyone else); each :class:`Enterprise` mesa agent is a
view on its row. Rows are only touched when an event concerns them (a batch they declare in,
a finding, an agency report), never by daily loops over everyone.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, logit

from sim.agents.mesa_core import mesa
from sim.config import Config, ConfigError, PopulationConfig
from sim.records import LARGE, MEDIUM, SMALL

AEO, GENERAL, DISHONEST = 0, 1, 2
TIERS = ("aeo", "general", "dishonest")


class Population:
    """Array state of all enterprises and the per-port draw of who declares.

    Each port's declarations follow its business-model mix (``world.ports.X.business_mix``);
    the traders of a business model live at the ports whose mix includes it, in proportion to
    the volume it has there, so that a port draws a declaration's business model from its mix
    and then the trader among that model's traders at the port, larger traders more often.
    """

    def __init__(self, config: Config, rng: np.random.Generator):
        cfg = self.cfg = config.population
        ports = list(config.world.ports.values())
        self.mix = port_mix(config)
        port_volumes = np.array([p.declarations_per_day for p in ports])
        n_fronts = cfg.smugglers.networks * cfg.smugglers.fronts_per_network
        n = cfg.enterprises + n_fronts
        self.model_names = list(cfg.business_models)
        models = list(cfg.business_models.values())
        self.business_model = np.zeros(n, dtype=np.int64)
        self.business_model[: cfg.enterprises] = rng.permutation(
            np.repeat(np.arange(len(models)), model_counts(cfg)))
        self.front = np.arange(n) >= cfg.enterprises
        covers = [self.model_names.index(c) for c in cfg.smugglers.covers] or [0]
        self.business_model[self.front] = np.resize(covers, n_fronts)
        # Heavy-tailed size: Pareto(alpha) weight of an enterprise in its port's declarations.
        self.size = rng.pareto(cfg.size_alpha, size=n) + 1.0
        # Honesty: a gamma multiplier with mean 1 and the configured CV on the model's rate.
        cv2 = cfg.honesty_cv ** 2
        honesty = rng.gamma(1 / cv2, cv2, size=n) if cv2 > 1e-12 else np.ones(n)  # narrower: 1 (no overflow)
        pick = lambda attr: np.array([getattr(m, attr) for m in models])[self.business_model]  # noqa: E731
        self.propensity = np.where(self.front, 0.0, np.minimum(pick("violation_prob") * honesty, 0.999))
        self.error_prob = pick("error_prob")
        self.p_import = import_probabilities(config, self.mix)
        self.duty_rate = pick("duty_rate") * rng.uniform(0.5, 1.5, size=n)
        self.value_median = pick("value_median")
        self.value_sigma = pick("value_sigma")
        self.parcels = pick("parcels")
        self.home_port = self._home_ports(port_volumes[:, None] * self.mix, rng)
        self._mix_cdf = np.cumsum(self.mix, axis=1)
        self._cdf = [[self._cdf_of(p, b) for b in range(len(models))] for p in range(len(ports))]
        self.partner, self.partner_aeo = self._partners(rng)
        self.score = self._initial_scores(rng)
        self.perceived = np.full(n, cfg.behaviour.prior_risk)
        self.record_at = np.full(n, -np.inf)  # when customs last got a partner agency's record on it (h)
        # Registration, as customs knows it: foreign-invested or domestic, the broker who lodges
        # its declarations, and a size class by expected volume (largest 5%, next 20%, the rest;
        # a reporting convention). Drawn last, so the draws above stay as they were.
        self.foreign_invested = rng.random(n) < cfg.foreign_invested_share
        self.brokers = max(int(n / cfg.traders_per_declarant), 1)
        self.declarant = rng.integers(0, self.brokers, size=n)
        rank = np.argsort(np.argsort(-self.size, kind="stable"), kind="stable") / n
        self.size_class = np.where(rank < 0.05, LARGE, np.where(rank < 0.25, MEDIUM, SMALL)).astype(np.int8)
        # customs' records on each trader: declarations lodged, violations found (border, audit, agencies)
        self.lodged = np.zeros(n, np.int64)
        self.findings = np.zeros(n, np.int64)
        # the registration customs knows (importer id: the row until a trader re-registers) and
        # its records when it was registered (records of a new company start at zero)
        self.importer = np.arange(n, dtype=np.int64)
        self.registered_lodged = np.zeros(n, np.int64)
        self.registered_findings = np.zeros(n, np.int64)

    def reregister(self, rows: np.ndarray, brokers: np.ndarray) -> None:
        """Enterprises ``rows`` start over as new companies: new importer ids (after all used ones),
        the given brokers, no records."""
        self.importer[rows] = int(self.importer.max()) + 1 + np.arange(len(rows))
        self.declarant[rows] = brokers
        self.registered_lodged[rows], self.registered_findings[rows] = self.lodged[rows], self.findings[rows]
        self.record_at[rows] = -np.inf  # no partner agency's record on the new company

    def records(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Customs' records on the registrations of ``rows``: declarations lodged, violations found."""
        return self.lodged[rows] - self.registered_lodged[rows], self.findings[rows] - self.registered_findings[rows]

    def _home_ports(self, volume: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Each trader's port: by the volume its business model has at each port (``volume``:
        port x model); every port where a model has volume gets at least one of its traders."""
        home = np.zeros(len(self.size), dtype=np.int64)
        for b, name in enumerate(self.model_names):
            members = np.flatnonzero((self.business_model == b) & ~self.front)
            weight = volume[:, b]
            active = np.flatnonzero(weight > 0)
            if not len(active):
                continue
            if len(members) < len(active):
                raise ConfigError(f"population.enterprises: only {len(members)} {name} trader(s) for the "
                                  f"{len(active)} ports whose business_mix includes it; add enterprises")
            home[members] = rng.choice(len(weight), size=len(members), p=weight / weight.sum())
            home[members[: len(active)]] = active
        return home

    def _cdf_of(self, port: int, model: int) -> tuple[np.ndarray, np.ndarray]:
        members = np.flatnonzero((self.home_port == port) & (self.business_model == model) & ~self.front)
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

    def draw(self, port: int, u_model: np.ndarray, u_trader: np.ndarray,
             models: np.ndarray | None = None) -> np.ndarray:
        """Enterprise ids at ``port``: the business model from the port's mix (uniforms
        ``u_model``; only the ``models`` of a bool mask, if given), then a trader of that model
        (``u_trader``), larger ones more often."""
        cdf = self._mix_cdf[port] if models is None else np.cumsum(self.mix[port] * models)
        model = np.minimum(np.searchsorted(cdf, u_model * cdf[-1], side="right"), len(cdf) - 1)
        out = np.empty(len(u_model), dtype=np.int64)
        for b in np.unique(model):
            rows = model == b
            members, weights = self._cdf[port][b]
            out[rows] = members[np.minimum(np.searchsorted(weights, u_trader[rows]), len(members) - 1)]
        return out


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


def model_counts(cfg: PopulationConfig) -> np.ndarray:
    """How many enterprises each business model has: its share of ``enterprises``, rounded
    by largest remainders so the counts add up."""
    shares = np.array([m.share for m in cfg.business_models.values()])
    exact = shares / shares.sum() * cfg.enterprises
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(-(exact - counts), kind="stable")[: cfg.enterprises - counts.sum()]] += 1
    return counts


def port_mix(cfg: Config) -> np.ndarray:
    """Port x business model: each port's share of declarations by business model."""
    names = list(cfg.population.business_models)
    mix = np.zeros((len(cfg.world.ports), len(names)))
    for p, (port, pcfg) in enumerate(cfg.world.ports.items()):
        for name, share in pcfg.business_mix.items():
            if name not in names:
                raise ConfigError(f"world.ports.{port}.business_mix.{name}: unknown business model; "
                                  f"known: {', '.join(names)}")
            mix[p, names.index(name)] = share
        total = mix[p].sum()
        if pcfg.declarations_per_day > 0 and abs(total - 1) > 1e-6:
            raise ConfigError(f"world.ports.{port}.business_mix: the shares must sum to 1; they sum to {total:.4g}")
    return mix


def import_probabilities(cfg: Config, mix: np.ndarray) -> np.ndarray:
    """Port x business model: the chance a declaration is an import.

    A business model's own import share (0 or 1 for export- or import-only formats) is shifted
    on the logit scale, by one shift per port, so that the port's mix gives the port's
    configured ``import_share``; ConfigError when the mix cannot reach it."""
    base = np.array([m.import_share for m in cfg.population.business_models.values()])
    fixed = (base <= 0) | (base >= 1)
    logits = logit(np.clip(base, 1e-9, 1 - 1e-9))
    shares = lambda shift: np.where(fixed, base, expit(logits + shift))  # noqa: E731
    out = np.zeros_like(mix)
    for p, (port, pcfg) in enumerate(cfg.world.ports.items()):
        reach = lambda shift: float(mix[p] @ shares(shift))  # noqa: E731
        low, high, target = reach(-50.0), reach(50.0), pcfg.import_share
        if pcfg.declarations_per_day > 0 and not low - 1e-9 <= target <= high + 1e-9:
            raise ConfigError(f"world.ports.{port}.import_share: with its business_mix it must be within "
                              f"[{low:.3f}, {high:.3f}]; got {target}")
        if low < target < high:
            out[p] = shares(brentq(lambda x: reach(x) - target, -50.0, 50.0))
        else:
            out[p] = shares(-50.0 if target <= low else 50.0)
    return out


class TradersModel(mesa.Model):
    """A mesa model whose traders' agents (:class:`Enterprise`, views on the rows of its
    ``population``) are built the first time anyone reads the model's agents (analysis, tests,
    the dashboard), not for every run: the simulation never reads them, and at world=national
    world.scale=10 there are 200,000 of them, ~90 MB of agent objects and mesa's registries."""

    _traders_viewed = False

    @property
    def agents(self):
        self._view_traders()
        return super().agents

    @property
    def agents_by_type(self):
        self._view_traders()
        return super().agents_by_type

    @property
    def agent_types(self):
        self._view_traders()
        return super().agent_types

    def _view_traders(self) -> None:
        if not self._traders_viewed and "population" in vars(self):  # mesa may read its agents while it sets up
            self._traders_viewed = True
            for row in range(len(self.population.size)):
                Enterprise(self, row)
