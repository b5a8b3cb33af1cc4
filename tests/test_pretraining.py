"""Disagreement-aware pretraining (mmbounds.pretraining): determinism, shapes, losses, switches."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from mmbounds.pretraining import (  # noqa: E402
    OBJECTIVES,
    SSL_TERMS,
    disagreement_scores,
    linear_probe,
    pretrain,
)

torch.set_num_threads(1)
EMB = 4
N_OUT = 2 * EMB + EMB**2
FAST = {"epochs": 6, "batch_size": 32, "hidden_dim": 16, "embed_dim": EMB, "proj_dim": 4}


@pytest.fixture(scope="module")
def pairs() -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Tiny two-modality data with a shared and a unique latent, and disagreeing posteriors."""
    rng = np.random.default_rng(0)
    n = 128
    shared, u1, u2 = rng.normal(size=(3, n, 1))
    x1 = np.hstack([shared, u1]) @ rng.normal(size=(2, 6)) + 0.1 * rng.normal(size=(n, 6))
    x2 = np.hstack([shared, u2]) @ rng.normal(size=(2, 5)) + 0.1 * rng.normal(size=(n, 5))
    p1 = 1 / (1 + np.exp(-3 * u1))
    p2 = 1 / (1 + np.exp(-3 * u2))
    return x1, x2, (np.hstack([1 - p1, p1]), np.hstack([1 - p2, p2]))


def test_shapes_and_determinism(pairs) -> None:
    x1, x2, post = pairs
    a = pretrain(x1, x2, posteriors=post, random_state=3, **FAST)
    b = pretrain(x1, x2, posteriors=post, random_state=3, **FAST)
    c = pretrain(x1, x2, posteriors=post, random_state=4, **FAST)
    fa = a.transform(x1, x2)
    assert fa.shape == (x1.shape[0], N_OUT) == (x1.shape[0], a.n_features_out_)
    assert fa.dtype == np.float64 and np.all(np.isfinite(fa))
    np.testing.assert_array_equal(fa, b.transform(x1, x2))
    assert a.history_ == b.history_
    assert not np.allclose(fa, c.transform(x1, x2))
    assert a.transform(x1[:5], x2[:5]).shape == (5, N_OUT)
    assert "disagreement" in repr(a)


def test_losses_decrease(pairs) -> None:
    x1, x2, post = pairs
    enc = pretrain(x1, x2, posteriors=post, random_state=0, **{**FAST, "epochs": 15})
    assert set(enc.history_) == {"align", "retain", "match", "distill", "total"}
    for term, values in enc.history_.items():
        assert len(values) == 15
        assert values[-1] < values[0], term


@pytest.mark.parametrize("term", ["align", "retain", "match", "distill"])
def test_zero_weight_removes_term(pairs, term: str) -> None:
    x1, x2, post = pairs
    enc = pretrain(x1, x2, posteriors=post, weights={term: 0.0}, random_state=0, **FAST)
    assert term not in enc.history_
    assert enc.weights[term] == 0.0
    others = {"align", "retain", "match", "distill"} - {term}
    assert others <= set(enc.history_)


def test_objective_presets(pairs) -> None:
    x1, x2, _ = pairs
    con = pretrain(x1, x2, objective="contrastive", random_state=0, **FAST)  # needs no posteriors
    assert set(con.history_) == {"align", "total"}
    assert con.weights == OBJECTIVES["contrastive"]
    none = pretrain(x1, x2, objective="none", random_state=0, **FAST)
    assert none.history_ == {}
    assert none.transform(x1, x2).shape == (x1.shape[0], N_OUT)
    # untrained and trained encoders from one seed start identical, so they must now differ
    assert not np.allclose(none.transform(x1, x2), con.transform(x1, x2))
    assert set(OBJECTIVES["disagreement"]) == set(SSL_TERMS)


def test_disagreement_weighting_switch(pairs) -> None:
    x1, x2, post = pairs
    kw = {**FAST, "weights": {"retain": 0.0, "match": 0.0, "distill": 0.0}}
    on = pretrain(x1, x2, posteriors=post, random_state=0, **kw)
    off = pretrain(
        x1,
        x2,
        posteriors=post,
        random_state=0,
        **{**kw, "weights": {**kw["weights"], "align_disagreement": 0.0}},
    )
    assert not np.allclose(on.transform(x1, x2), off.transform(x1, x2))
    # with identical posteriors there is no disagreement, so the weighting is a no-op
    same = (post[0], post[0])
    a = pretrain(x1, x2, posteriors=same, random_state=0, **kw)
    b = pretrain(
        x1,
        x2,
        posteriors=same,
        random_state=0,
        **{**kw, "weights": {**kw["weights"], "align_disagreement": 0.0}},
    )
    np.testing.assert_allclose(a.transform(x1, x2), b.transform(x1, x2), rtol=1e-5, atol=1e-6)


def test_posteriors_from_classifiers(pairs) -> None:
    x1, x2, post = pairs

    class Fixed:
        def __init__(self, p: np.ndarray) -> None:
            self.p = p

        def predict_proba(self, x: np.ndarray) -> np.ndarray:
            assert x.shape[0] == self.p.shape[0]
            return self.p

    a = pretrain(x1, x2, posteriors=(Fixed(post[0]), Fixed(post[1])), random_state=1, **FAST)
    b = pretrain(x1, x2, posteriors=post, random_state=1, **FAST)
    np.testing.assert_array_equal(a.transform(x1, x2), b.transform(x1, x2))


def test_errors(pairs) -> None:
    x1, x2, post = pairs
    with pytest.raises(ValueError, match="posteriors"):
        pretrain(x1, x2, objective="disagreement", **FAST)
    with pytest.raises(ValueError, match="unknown term"):
        pretrain(x1, x2, posteriors=post, weights={"bogus": 1.0}, **FAST)
    with pytest.raises(ValueError, match="<= 1"):
        pretrain(x1, x2, posteriors=post, weights={"align_disagreement": 2.0}, **FAST)
    with pytest.raises(ValueError, match="rows"):
        pretrain(x1, x2[:-1], objective="contrastive", **FAST)
    with pytest.raises(ValueError, match="objective"):
        pretrain(x1, x2, objective="clip", **FAST)
    with pytest.raises(ValueError, match="shape"):
        pretrain(x1, x2, posteriors=(post[0][:-1], post[1]), **FAST)
    enc = pretrain(x1, x2, objective="none", **FAST)
    with pytest.raises(ValueError, match="features"):
        enc.transform(x1[:, :3], x2)


def test_disagreement_scores() -> None:
    d = disagreement_scores([[1, 0, 0], [0.2, 0.3, 0.5]], [[0, 0, 1], [0.2, 0.3, 0.5]])
    np.testing.assert_allclose(d, [1.0, 0.0])
    with pytest.raises(ValueError, match="shape"):
        disagreement_scores([[1, 0]], [[1, 0, 0]])


def test_linear_probe() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 3))
    y = (x[:, 0] > 0).astype(int)
    assert linear_probe(x[:60], y[:60], x[60:], y[60:]) >= 0.9
    xor = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(int)
    prod = np.hstack([x, (x[:, 0] * x[:, 1])[:, None]])
    # a linear probe cannot read XOR from the inputs but can from their product feature
    assert linear_probe(prod[:60], xor[:60], prod[60:], xor[60:]) >= 0.9
    with pytest.raises(ValueError, match="labels"):
        linear_probe(x[:60], y[:50], x[60:], y[60:])
    with pytest.raises(ValueError, match="2 classes"):
        linear_probe(x[:10], np.zeros(10), x[60:], y[60:])


def test_importing_pretraining_does_not_import_torch() -> None:
    code = (
        "import sys, mmbounds, mmbounds.pretraining, mmbounds.performance; "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
