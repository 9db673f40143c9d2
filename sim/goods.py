"""What is traded: each declaration's HS code, countries, unit value and tax rate, and how much
the goods tempt a trader to violate, drawn from distributions fitted to the public customs data
(``sim/data/declaration_attributes.json``; its fields and caveats in docs/targeting.md).

- **HS code.** Each trader has a main HS chapter (drawn by the chapters' shares of items); a
  declaration is of that chapter with probability ``population.goods_focus``, else of any chapter
  by the shares; the HS6 code by the chapter's code shares (its rarer codes lumped as CC9999).
- **Countries.** The origin is the counterpart's country (origin of imports, destination of
  exports): a country of the trader's partner region (``population.partner_countries.X.countries``;
  empty: any) by the file's shares. The goods leave from the origin with the file's share (0.80),
  else from a country drawn by the file's departure shares (hubs such as HK and SG).
- **Unit value** (value / mass): log-normal by chapter (a chapter of fewer than ``MIN_ITEMS``
  items takes the median spread), split into a fixed offset of each HS6 code and a spread within
  the code (``WITHIN_CODE`` of the chapter's log sd). Mass is value / unit value: the file's value
  levels are doubtful (docs/targeting.md), so only spreads and differences carry meaning.
- **Tax rate.** Each HS6 code has one rate (a tariff schedule), drawn once from its chapter's
  rate shares with a fixed uniform of the code; it scales the trader's duty rate by rate / mean
  rate (the mean over all chapters), so each business model keeps its mean duty rate. A
  misclassification declares one of the chapter's codes of the lowest rates (:attr:`Goods.false_codes`;
  which one, :mod:`sim.behaviour.disguise`).
- **Temptation.** Log odds ratios of fraud by chapter and by origin country from the file (hit
  rates among inspected items, shrunk to the overall rate with ``PSEUDO_ITEMS`` pseudo-items),
  each centred so its mean odds factor over the file's shares is 1 (a trader keeps its calibrated
  propensity on average), scaled by ``population.behaviour.goods_odds``.
"""
from __future__ import annotations

import numpy as np
from scipy.special import logit, ndtri

from sim.config import ConfigError, PopulationConfig
from sim.learning.attributes import load_attributes

PSEUDO_ITEMS = 50.0  # shrinkage of the fitted fraud rates towards the overall rate (assumption, 10-200)
MIN_ITEMS = 30       # fewest items for a chapter's own unit-value spread (assumption, 10-100)
OTHER_CODE = 9999    # HS6 = chapter * 10000 + 9999: the chapter's codes outside its top ten
UNIFORMS = 5         # uniforms per declaration: focus, chapter, HS6, origin, departure
GOLDEN = 0.6180339887498949  # a code's uniforms: frac(code x golden ratio) for its tax rate and
SILVER = 0.4142135623730951  # frac(code x (sqrt 2 - 1)) for its unit-value offset, spread evenly over codes
# Log unit values spread 0.97 around their HS6 code's median in train.csv against 1.40 within a
# chapter (median of chapters): about 0.69 of a chapter's log sd is within the code.
WITHIN_CODE = 0.69


def _table(shares: dict) -> tuple[list[str], np.ndarray]:
    """Levels and shares of a share table of the file ({top: {level: share}, other: share})."""
    levels = list(shares["top"]) + (["other"] if shares["other"] else [])
    return levels, np.array([*shares["top"].values(), *([shares["other"]] if shares["other"] else [])], float)


class Ragged:
    """Draws from one discrete distribution per group, vectorised (one uniform per draw)."""

    def __init__(self, tables: list[tuple[np.ndarray, np.ndarray]]):
        self.values = np.concatenate([np.asarray(v) for v, _ in tables])
        cdfs = [np.cumsum(s) / np.sum(s) for _, s in tables]
        self.keys = np.concatenate([g + c for g, c in enumerate(cdfs)])  # group g's cdf, shifted by g
        self.last = np.cumsum([len(c) for c in cdfs]) - 1

    def index(self, group: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Positions in :attr:`values` of the draws."""
        return np.minimum(np.searchsorted(self.keys, group + u, side="right"), self.last[group])

    def draw(self, group: np.ndarray, u: np.ndarray) -> np.ndarray:
        return self.values[self.index(group, u)]


def known_countries(attributes: dict | None = None) -> list[str]:
    """Country codes of the file's origin and departure tables ("other": all the rest)."""
    a = attributes or load_attributes()
    return sorted(set(a["origin"]["top"]) | set(a["departure"]["top"])) + ["other"]


def origin_countries(attributes: dict | None = None) -> list[str]:
    """The origins a partner region may list (``population.partner_countries.X.countries``)."""
    return _table((attributes or load_attributes())["origin"])[0]


def check_countries(population: PopulationConfig) -> None:
    """Partner regions list only origins of the fitted attribute file (raises :class:`ConfigError`)."""
    known = origin_countries()
    for name, region in population.partner_countries.items():
        for code in (c for c in region.countries if c not in known):
            raise ConfigError(f"population.partner_countries.{name}.countries: unknown country {code!r}; "
                              f"known (origins of sim/data/declaration_attributes.json): {', '.join(known)}")


def _log_odds(rates: dict, levels: list[str], shares: np.ndarray, overall: float) -> np.ndarray:
    """Centred, shrunk log odds ratios of fraud of ``levels`` (0 where the file has no rate)."""
    effect = np.zeros(len(levels))
    for i, level in enumerate(levels):
        if level in rates:
            r, n = rates[level]["rate"], rates[level]["n"]
            effect[i] = logit(np.clip((r * n + PSEUDO_ITEMS * overall) / (n + PSEUDO_ITEMS), 1e-6, 1 - 1e-6)) \
                - logit(overall)
    return effect - np.log(np.sum(shares * np.exp(effect)) / np.sum(shares))


class Goods:
    """The goods tables of the fitted file and each trader's main chapter."""

    def __init__(self, cfg: PopulationConfig, partner: np.ndarray, rng: np.random.Generator,
                 attributes: dict | None = None):
        a = attributes or load_attributes()
        self.focus, self.weight = cfg.goods_focus, cfg.behaviour.goods_odds
        self.chapters, chapter_share = _table(a["hs_chapter"])
        chapter_share /= chapter_share.sum()
        self.hs6 = Ragged([self._codes(ch, a["hs6_by_chapter"][ch]) for ch in self.chapters])
        self.taxes = Ragged([self._rates(a["tax_rate_by_chapter"][ch]) for ch in self.chapters])
        spreads = [a["unit_value_by_chapter"][ch] for ch in self.chapters]
        median_sd = float(np.median([s["log_sd"] for s in spreads if s["n"] >= MIN_ITEMS]))
        self.uv_mean = np.array([s["log_mean"] for s in spreads])
        self.uv_sd = np.array([s["log_sd"] if s["n"] >= MIN_ITEMS else median_sd for s in spreads])
        self.false_codes = self._cheapest(a["hs6_by_chapter"], a["tax_rate_by_chapter"], cfg.behaviour.false_codes)
        codes = self.hs6.values  # each code's tariff rate and unit-value offset, once
        self.code_tax = self.tax_pct(codes)
        self.code_offset = np.sqrt(1 - WITHIN_CODE ** 2) * ndtri(np.clip(np.modf(codes * SILVER)[0], 1e-6,
                                                                              1 - 1e-6))
        tax_mean = [np.dot(*self._rates(a["tax_rate_by_chapter"][ch])) for ch in self.chapters]
        self.mean_tax_pct = float(np.dot(chapter_share, tax_mean))
        self.countries = known_countries(a)
        origins, origin_share = _table(a["origin"])
        departures, departure_share = _table(a["departure"])
        index = {c: i for i, c in enumerate(self.countries)}
        regions = [r.countries for r in cfg.partner_countries.values()] or [[]]
        self.origin = Ragged([self._region(region, origins, origin_share, index) for region in regions])
        self.departure = Ragged([(np.array([index[c] for c in departures]), departure_share)])
        self.same_departure = a["departure_same_as_origin"]
        fraud = a["fraud"]
        self.chapter_odds = _log_odds(fraud["by_chapter"], self.chapters, chapter_share, fraud["rate"])
        country_odds = _log_odds(fraud["by_origin"], origins, origin_share, fraud["rate"])
        self.country_odds = np.zeros(len(self.countries))
        self.country_odds[[index[c] for c in origins]] = country_odds
        self.region = partner
        self._chapter_cdf = np.cumsum(chapter_share)
        self.main_chapter = self._chapter(rng.random(len(partner)))

    def tax_pct(self, hs6: np.ndarray) -> np.ndarray:
        """The tariff rate (%) of HS6 codes: one per code, by its chapter's rate shares."""
        return self.taxes.draw(self.chapter_of[hs6 // 10_000], np.modf(hs6 * GOLDEN)[0])

    def _cheapest(self, codes: dict, rates: dict, k: int) -> np.ndarray:
        """Per chapter: its ``k`` listed HS6 codes of the lowest tariff rates, lowest first (the most
        frequent first among ties; a chapter of fewer codes repeats its last)."""
        self.chapter_of = np.zeros(100, np.int64)  # HS chapter number -> index into self.chapters
        self.chapter_of[[int(ch) for ch in self.chapters]] = np.arange(len(self.chapters))
        out = []
        for ch in self.chapters:
            listed = self._codes(ch, codes[ch])[0]
            order = np.argsort(self.tax_pct(listed), kind="stable")
            out.append(listed[order[np.minimum(np.arange(k), len(order) - 1)]])
        return np.array(out, np.int64).reshape(len(self.chapters), k)

    def _chapter(self, u: np.ndarray) -> np.ndarray:
        """Chapters (indices) by the chapters' shares, one uniform each."""
        return np.minimum(np.searchsorted(self._chapter_cdf, u * self._chapter_cdf[-1], side="right"),
                          len(self.chapters) - 1)

    @staticmethod
    def _codes(chapter: str, table: dict) -> tuple[np.ndarray, np.ndarray]:
        levels, shares = _table(table)
        base = int(chapter) * 10_000
        return np.array([int(c) if c != "other" else base + OTHER_CODE for c in levels], np.int64), shares

    @staticmethod
    def _rates(table: dict) -> tuple[np.ndarray, np.ndarray]:
        levels, shares = _table(table)
        other = table.get("other_median") or 0.0
        return np.array([float(r) if r != "other" else other for r in levels]), shares

    @staticmethod
    def _region(codes: list[str], origins: list[str], shares: np.ndarray, index: dict):
        if not codes:
            return np.array([index[c] for c in origins]), shares
        return np.array([index[c] for c in codes]), np.array([shares[origins.index(c)] for c in codes])

    def draw(self, enterprise: np.ndarray, u: np.ndarray, z: np.ndarray) -> dict[str, np.ndarray]:
        """The goods of declarations by ``enterprise``: ``u`` (n x :data:`UNIFORMS`) uniforms and
        ``z`` standard normals; every declaration takes the same number of draws.

        Returns:
            ``hs6`` (code), ``chapter`` (index into :attr:`chapters`), ``origin`` and ``departure``
            (indices into :attr:`countries`), ``unit_value``, ``tax_pct`` (the chapter's rate, %)
            and ``log_odds`` (the goods' temptation, already scaled by ``goods_odds``).

        """
        chapter = np.where(u[:, 0] < self.focus, self.main_chapter[enterprise], self._chapter(u[:, 1]))
        origin = self.origin.draw(self.region[enterprise], u[:, 3])
        departure = np.where(u[:, 4] < self.same_departure, origin,
                             self.departure.draw(np.zeros(len(u), np.int64), (u[:, 4] - self.same_departure)
                                                 / max(1 - self.same_departure, 1e-12)))
        code = self.hs6.index(chapter, u[:, 2])
        return {"hs6": self.hs6.values[code], "chapter": chapter, "origin": origin, "departure": departure,
                "unit_value": np.exp(self.uv_mean[chapter] + self.uv_sd[chapter] * (self.code_offset[code]
                                                                                    + WITHIN_CODE * z)),
                "tax_pct": self.code_tax[code],
                "log_odds": self.weight * (self.chapter_odds[chapter] + self.country_odds[origin])}
