"""Wild cluster bootstrap inference for one OLS coefficient, restricted (WCR), Webb weights.

Cluster-robust standard errors are too small with few clusters (here: replications, typically
3 to 10), so the regression DiD is tested with the restricted wild cluster bootstrap of
Cameron, Gelbach and Miller (2008, Review of Economics and Statistics 90: 414-427) with Webb's
six-point weights (Webb 2023, Canadian Journal of Economics 56: 839-858), which give
6^G distinct draws where Rademacher weights give only 2^G. The interval is the set of null
values the test does not reject (test inversion), as in MacKinnon, Nielsen and Webb (2023,
Journal of Econometrics 232: 272-299), found by bisection.

The computation follows Roodman et al. (2019, Stata Journal 19: 4-60): with the other
regressors ``W`` partialled out (Frisch-Waugh-Lovell), every bootstrap t statistic is a
function of a few G x G matrices, so all draws cost one matrix product. With at most
:data:`ENUMERATE_UP_TO` draws every weight vector is enumerated (the p-value is exact given
the data); beyond that :data:`DRAWS` vectors are drawn from a fixed seed (deterministic; the
p-value then carries a Monte Carlo error of about 0.005 at 0.05, the interval bounds about 1e-3 of
the standard error from the bisection).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
ENUMERATE_UP_TO = 6 ** 5   # G <= 5 clusters: all 7,776 weight vectors
DRAWS = 1999               # otherwise B = 1999, alpha (B + 1) an integer (MacKinnon 2006); drawn from SEED
SEED = 20240101            # any fixed seed: the p-values are then reproducible


def webb_weights(clusters: int) -> np.ndarray:
    """Bootstrap weight vectors (rows) for ``clusters`` clusters: all of them, or :data:`DRAWS`."""
    if 6 ** clusters <= ENUMERATE_UP_TO:
        return np.array(list(itertools.product(WEBB, repeat=clusters)))
    return np.random.default_rng(SEED).choice(WEBB, size=(DRAWS, clusters))


@dataclass
class Projection:
    """The annihilator of the other regressors ``W`` (M_W z = z - U U'z), from an SVD."""
    basis: np.ndarray

    @classmethod
    def of(cls, others: np.ndarray) -> "Projection":
        u, s, _ = np.linalg.svd(others, full_matrices=False)
        return cls(u[:, s > s.max() * max(others.shape) * np.finfo(float).eps])

    def residual(self, z: np.ndarray) -> np.ndarray:
        return z - self.basis @ (self.basis.T @ z)


class WildClusterTest:
    """Restricted wild cluster bootstrap test of ``beta = beta0`` for the coefficient of ``x``.

    Args:
        y: Outcome (no missing values).
        x: The regressor tested.
        others: Every other regressor (constant, fixed effects, ...); None when ``project`` is given.
        clusters: Cluster label per row.
        project: The projection of ``others`` (:meth:`Projection.of`), to reuse it across outcomes.

    """

    def __init__(self, y: np.ndarray, x: np.ndarray, others: np.ndarray | None, clusters: np.ndarray,
                 project: Projection | None = None):
        codes = np.unique(clusters, return_inverse=True)[1]
        self.G = int(codes.max()) + 1
        member = np.eye(self.G)[codes]                            # N x G cluster indicators
        project = project or Projection.of(others)
        yt, xt = project.residual(y), project.residual(x)
        self.a = float(xt @ xt)
        self.beta = float(xt @ yt) / self.a
        self.A = member.T @ (xt * xt)                             # sum of x~^2 by cluster
        self.Sy = member.T @ (xt * yt)                            # sum of x~ y~ by cluster
        resid_y = project.residual(yt[:, None] * member)          # M_W (y~ * 1_h), N x G
        resid_x = project.residual(xt[:, None] * member)
        self.Cy = member.T @ (xt[:, None] * resid_y)              # G x G
        self.Cx = member.T @ (xt[:, None] * resid_x)
        scores = self.Sy - self.beta * self.A                     # x~ u^ by cluster
        self.se = float(np.sqrt(scores @ scores)) / self.a        # CRV0: the scale cancels in p
        v = webb_weights(self.G)
        # everything a draw needs, linear in beta0: computed once for all nulls
        self.vSy, self.vA = v @ self.Sy, v @ self.A
        self.vCy, self.vCx = v @ self.Cy.T, v @ self.Cx.T

    def p_value(self, beta0: float) -> float:
        """Two-sided bootstrap p-value of the null ``beta = beta0``."""
        if not self.se > 0:
            return 1.0 if beta0 == self.beta else 0.0
        t = (self.beta - beta0) / self.se
        shift = (self.vSy - beta0 * self.vA) / self.a              # beta* - beta0 per draw
        scores = self.vCy - beta0 * self.vCx - shift[:, None] * self.A[None, :]
        se = np.sqrt(np.einsum("bg,bg->b", scores, scores)) / self.a
        with np.errstate(invalid="ignore", divide="ignore"):
            tstar = np.where(se > 0, shift / se, 0.0)
        return float(np.mean(np.abs(tstar) >= abs(t) * (1 - 1e-12)))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """The values ``beta0`` not rejected at ``1 - level`` (infinite when every null survives)."""
        if not self.se > 0:
            return self.beta, self.beta
        alpha = 1 - level
        return self._bound(-1, alpha), self._bound(+1, alpha)

    def _bound(self, side: int, alpha: float) -> float:
        inner, step = self.beta, self.se
        while self.p_value(self.beta + side * step) > alpha:
            inner, step = self.beta + side * step, 2 * step
            if step > 1e6 * self.se:
                return side * np.inf
        outer = self.beta + side * step
        for _ in range(40):
            middle = (inner + outer) / 2
            inner, outer = (middle, outer) if self.p_value(middle) > alpha else (inner, middle)
            if abs(outer - inner) < 1e-3 * self.se:
                break
        return (inner + outer) / 2
