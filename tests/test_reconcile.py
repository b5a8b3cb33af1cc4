"""SQUAREM-accelerated EM of the reconciliation (bootstrap replicates) against plain EM."""

from __future__ import annotations

import numpy as np
import pytest

from mmbounds.inference.population import resample_marginals, source_counts
from mmbounds.marginals import Marginals, log_likelihood, reconcile_ml
from tests.conftest import random_table

SHAPES = [(2, 2, 2), (3, 4, 2), (4, 4, 3), (5, 5, 2), (6, 6, 10)]


def _sample_tables(rng, shape, n, sparse):
    """Three count tables drawn from one joint (they disagree like samples), normalised."""
    p = random_table(rng, shape, sparse=sparse).ravel()
    draws = [rng.multinomial(k, p).reshape(shape).astype(float) for k in (n, n, 2 * n)]
    tables = (draws[0].sum(1), draws[1].sum(0), draws[2].sum(2))
    return tuple(t / t.sum() for t in tables), np.array([n, n, 2 * n], float)


def _margins(q):
    return np.concatenate([q.sum(1).ravel(), q.sum(0).ravel(), q.sum(2).ravel()])


def _kkt_gap(q, p, w):
    """``max_c dL/dq_c - 1``: an upper bound on the likelihood still to gain (0 at the maximum)."""
    w = w / w.sum()
    m = (q.sum(1), q.sum(0), q.sum(2))
    c = [np.divide(a, b, out=np.zeros_like(a), where=b > 0) for a, b in zip(p, m)]
    grad = w[0] * c[0][:, None, :] + w[1] * c[1][None] + w[2] * c[2][:, :, None]
    return float(grad.max() - 1.0)


@pytest.mark.parametrize("shape", SHAPES)
def test_accelerated_em_reaches_the_plain_em_maximum(shape):
    """Dense tables (a unique maximum): both reach the same marginals; SQUAREM in fewer steps."""
    rng = np.random.default_rng(7)
    for _ in range(4):
        p, w = _sample_tables(rng, shape, 400, sparse=False)
        q_plain, it_plain, err_plain = reconcile_ml(*p, w, 1e-12, 20000)
        q_acc, it_acc, err_acc = reconcile_ml(*p, w, 1e-12, 20000, accelerate=True)
        assert err_plain <= 1e-12 and err_acc <= 1e-12
        assert np.abs(_margins(q_acc) - _margins(q_plain)).max() < 1e-8
        assert it_acc <= it_plain
        assert _kkt_gap(q_acc, p, w) < 1e-8
        # at the replicate tolerance the accelerated result is at least as likely
        q7, _, _ = reconcile_ml(*p, w, 1e-7, 500)
        q7a, _, _ = reconcile_ml(*p, w, 1e-7, 500, accelerate=True)
        assert log_likelihood(q7a, *p, w) >= log_likelihood(q7, *p, w) - 1e-12
        assert np.abs(_margins(q7a) - _margins(q_plain)).max() < 1e-5


@pytest.mark.parametrize("shape", [(2, 2, 2), (6, 6, 10)])
def test_accelerated_em_never_lowers_the_likelihood(shape):
    """Sparse sample tables (contradictory zeros, slow EM): the likelihood after k steps never
    decreases in k, and the result beats plain EM's at the same tolerance and cap."""
    rng = np.random.default_rng(3)
    for _ in range(2):
        p, w = _sample_tables(rng, shape, 30, sparse=True)
        lik = [
            log_likelihood(reconcile_ml(*p, w, 0.0, k, accelerate=True)[0], *p, w)
            for k in range(1, 46)
        ]
        assert np.all(np.diff(lik) >= -1e-12)
        q, _, _ = reconcile_ml(*p, w, 1e-7, 500)
        qa, _, _ = reconcile_ml(*p, w, 1e-7, 500, accelerate=True)
        assert log_likelihood(qa, *p, w) >= log_likelihood(q, *p, w) - 1e-12
        assert _kkt_gap(qa, p, w) <= max(_kkt_gap(q, p, w), 1e-9)
        assert np.all(qa >= 0) and qa.sum() == pytest.approx(1.0, abs=1e-12)


def test_replicate_reconciliation_is_far_below_sampling_error():
    """A bootstrap replicate's reconciled marginals are those of a tight plain-EM solve to 1e-5
    (the replicates' sampling error at these sizes is about 1e-2)."""
    rng = np.random.default_rng(11)
    p, _ = _sample_tables(rng, (4, 4, 3), 500, sparse=False)
    m = Marginals(*p, sample_sizes=(500, 500, 1000))
    counts = source_counts(m)
    for seed in range(5):
        rep = resample_marginals(counts, (500, 500, 1000), seed)
        assert rep.consistency.reconciled
        q, _, err = reconcile_ml(*rep.observed, np.array([500, 500, 1000.0]), 1e-13, 50000)
        assert err <= 1e-13
        got = np.concatenate([t.ravel() for t in (rep.p_x1y, rep.p_x2y, rep.p_x1x2)])
        assert np.abs(got - _margins(q)).max() < 1e-5
