"""mmbounds.pretraining: the encoder objectives (determinism, shapes, losses, switches), the probe,
and the agreement-routed recipe (fusion, agreement mask, label spending, routing, the head)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from mmbounds.pretraining import (  # noqa: E402
    OBJECTIVES,
    SSL_TERMS,
    choose_pairs_to_label,
    confident_agreement,
    disagreement_scores,
    fit_routed,
    fuse_posteriors,
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
    assert "combined" in repr(a)


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
    assert set(OBJECTIVES["combined"]) == set(SSL_TERMS) == set(con.weights)


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
        pretrain(x1, x2, objective="combined", **FAST)
    with pytest.raises(ValueError, match="unknown term"):
        pretrain(x1, x2, posteriors=post, weights={"bogus": 1.0}, **FAST)
    with pytest.raises(ValueError, match="<= 1"):
        pretrain(x1, x2, posteriors=post, weights={"align_disagreement": 2.0}, **FAST)
    with pytest.raises(ValueError, match="rows"):
        pretrain(x1, x2[:-1], objective="contrastive", **FAST)
    with pytest.raises(ValueError, match="objective"):
        pretrain(x1, x2, objective="clip", **FAST)
    with pytest.raises(ValueError, match=r"posteriors\[0\] has 127 rows but 128"):
        pretrain(x1, x2, posteriors=(post[0][:-1], post[1]), **FAST)
    with pytest.raises(ValueError, match=r"rows of posteriors\[1\] must sum to 1"):
        pretrain(x1, x2, posteriors=(post[0], 2 * post[1]), **FAST)
    enc = pretrain(x1, x2, objective="none", **FAST)
    with pytest.raises(ValueError, match="features"):
        enc.transform(x1[:, :3], x2)


def test_disagreement_scores() -> None:
    d = disagreement_scores([[1, 0, 0], [0.2, 0.3, 0.5]], [[0, 0, 1], [0.2, 0.3, 0.5]])
    np.testing.assert_allclose(d, [1.0, 0.0])
    with pytest.raises(ValueError, match="p2 has 3 columns but the label has 2"):
        disagreement_scores([[1, 0]], [[1, 0, 0]])
    with pytest.raises(ValueError, match="p1 has negative probabilities"):
        disagreement_scores([[1.5, -0.5]], [[1, 0]])


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
    # C chosen by cross-validation on the training rows: XOR through the product feature again
    assert linear_probe(prod[:60], xor[:60], prod[60:], xor[60:], C="cv") >= 0.9
    with pytest.raises(ValueError, match="'cv'"):
        linear_probe(x[:60], y[:60], x[60:], y[60:], C="auto")
    with pytest.raises(ValueError, match="Cs"):
        linear_probe(x[:60], y[:60], x[60:], y[60:], C="cv", Cs=(1.0, -1.0))


def test_importing_pretraining_does_not_import_torch() -> None:
    code = (
        "import sys, mmbounds, mmbounds.pretraining, mmbounds.performance; "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_fuse_posteriors_is_the_bayes_posterior_under_conditional_independence() -> None:
    rng = np.random.default_rng(1)
    py = rng.dirichlet(np.ones(3))
    px1_y, px2_y = rng.dirichlet(np.ones(4), size=3), rng.dirichlet(np.ones(5), size=3)
    joint = py[None, None, :] * px1_y.T[:, None, :] * px2_y.T[None, :, :]  # x1 ⊥ x2 | y
    p1 = joint.sum(1) / joint.sum((1, 2))[:, None]  # p(y | x1), shape (4, 3)
    p2 = joint.sum(0) / joint.sum((0, 2))[:, None]  # p(y | x2), shape (5, 3)
    i, j = np.meshgrid(np.arange(4), np.arange(5), indexing="ij")
    got = fuse_posteriors(p1[i.ravel()], p2[j.ravel()], prior=py)
    want = (joint / joint.sum(2, keepdims=True)).reshape(-1, 3)
    np.testing.assert_allclose(got, want, atol=1e-12)
    # default prior: the mean of the rows; a zero product falls back to the prior
    np.testing.assert_allclose(fuse_posteriors([[1.0, 0.0]], [[0.0, 1.0]]), [[0.5, 0.5]])


def test_confident_agreement_and_label_spending() -> None:
    p1 = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.5, 0.5]])
    p2 = np.array([[0.8, 0.2], [0.2, 0.8], [0.6, 0.4], [0.5, 0.5]])
    prior = [0.5, 0.5]
    # fused: 0.973 (agree), disagree, 0.692 (agree, not confident), 0.5
    np.testing.assert_array_equal(
        confident_agreement(p1, p2, prior=prior), [True, False, False, False]
    )
    np.testing.assert_array_equal(
        confident_agreement(p1, p2, confidence=0.6, prior=prior), [True, False, True, False]
    )
    mask = np.array([True, False, True, False, True, True])
    assert choose_pairs_to_label(mask, 2, random_state=0).tolist() == [1, 3]
    topped = choose_pairs_to_label(mask, 4, random_state=0)
    assert {1, 3} <= set(topped.tolist()) and topped.size == 4 == np.unique(topped).size
    np.testing.assert_array_equal(topped, choose_pairs_to_label(mask, 4, random_state=0))
    with pytest.raises(TypeError, match="boolean"):
        choose_pairs_to_label([0, 1], 1)
    with pytest.raises(ValueError, match="n_labels"):
        choose_pairs_to_label(mask, 7)


@pytest.fixture(scope="module")
def gated() -> dict[str, np.ndarray]:
    """Where the (oracle-like) unimodal posteriors agree the label is their class; where they
    disagree it is the XOR of two other coordinates."""
    rng = np.random.default_rng(0)
    n = 1200
    a1, a2, u1, u2 = rng.normal(size=(4, n))
    x1 = np.c_[a1, u1] + 0.05 * rng.normal(size=(n, 2))
    x2 = np.c_[a2, u2] + 0.05 * rng.normal(size=(n, 2))
    y = np.where((a1 > 0) == (a2 > 0), a1 > 0, u1 * u2 > 0).astype(int)
    q1, q2 = np.where(a1 > 0, 0.8, 0.2), np.where(a2 > 0, 0.8, 0.2)
    return {
        "x1": x1,
        "x2": x2,
        "y": y,
        "p1": np.c_[1 - q1, q1],
        "p2": np.c_[1 - q2, q2],
    }


def _split(d: dict[str, np.ndarray], rows: slice) -> tuple:
    return d["x1"][rows], d["x2"][rows], (d["p1"][rows], d["p2"][rows]), d["y"][rows]


def test_fit_routed_routes_pseudo_labels_and_learns_the_interaction(gated) -> None:
    x1, x2, post, y = _split(gated, slice(0, 800))
    t1, t2, post_t, y_t = _split(gated, slice(800, None))
    agree = confident_agreement(*post)
    np.testing.assert_array_equal(agree, post[0].argmax(1) == post[1].argmax(1))
    lab = choose_pairs_to_label(agree, 150, random_state=0)
    assert not agree[lab].any()
    clf = fit_routed(x1, x2, post, lab, y[lab])
    assert clf.n_labeled_ == 150 and clf.n_pseudo_ == int(agree.sum())
    assert clf.C_ in (0.01, 0.1, 1.0, 10.0)
    pred = clf.predict(t1, t2, post_t)
    agree_t = confident_agreement(*post_t)
    # agreeing pairs get the fused class, which is the label there
    np.testing.assert_array_equal(pred[agree_t], post_t[0].argmax(1)[agree_t])
    np.testing.assert_array_equal(pred[agree_t], y_t[agree_t])
    # on the disagreeing pairs the label is XOR(u1 > 0, u2 > 0): the second-order head reads it
    assert np.mean(pred[~agree_t] == y_t[~agree_t]) >= 0.85
    assert clf.score(t1, t2, post_t, y_t) >= 0.9
    # the fused posterior alone is at chance there, the routing is what helps
    assert np.mean(post_t[0].argmax(1)[~agree_t] == y_t[~agree_t]) < 0.65
    # forced masks: all-agreeing is pure fusion; route=False is the head everywhere
    np.testing.assert_array_equal(
        clf.predict(t1, t2, post_t, agreement=np.ones(y_t.size, bool)),
        fuse_posteriors(*post_t, prior=clf._prior).argmax(1),
    )
    flat = fit_routed(x1, x2, post, lab, y[lab], route=False, pseudo_label=False)
    assert flat.n_pseudo_ == 0
    np.testing.assert_array_equal(
        flat.predict(t1, t2, post_t), flat.predict(t1, t2, post_t, agreement=agree_t)
    )
    # deterministic
    again = fit_routed(x1, x2, post, lab, y[lab])
    np.testing.assert_array_equal(again.predict(t1, t2, post_t), pred)
    assert "route=True" in repr(clf)


def test_fit_routed_errors(gated) -> None:
    x1, x2, post, y = _split(gated, slice(0, 100))
    with pytest.raises(ValueError, match="distinct"):
        fit_routed(x1, x2, post, [0, 0], y[:2])
    with pytest.raises(ValueError, match="classes"):
        fit_routed(x1, x2, post, [0, 1], [5, 6])
    with pytest.raises(ValueError, match="non-empty"):
        fit_routed(x1, x2, post, [], [])
    with pytest.raises(TypeError, match="pair"):
        fit_routed(x1, x2, post[0], [0, 1], y[:2])
    with pytest.raises(ValueError, match="rows"):
        fit_routed(x1, x2, (post[0][:-1], post[1]), [0, 1], y[:2])
    # fractional indices were truncated to other rows; a float mask made every pair agree
    with pytest.raises(TypeError, match="integer row indices"):
        fit_routed(x1, x2, post, np.array([0.7, 1.7]), y[:2])
    with pytest.raises(TypeError, match="agreement must be a 1-D boolean array"):
        fit_routed(x1, x2, post, [0, 1], y[:2], agreement=np.random.default_rng(0).random(100))
    for bad in ([-1.0], []):
        with pytest.raises(ValueError, match="Cs must be a non-empty sequence"):
            fit_routed(x1, x2, post, [0, 1], y[:2], Cs=bad)
    mask = np.zeros(100, bool)
    mask[[3, 5, 8, 13]] = True  # a boolean mask of the labeled rows is the same as their indices
    by_mask = fit_routed(x1, x2, post, mask, y[mask], pseudo_label=False)
    by_index = fit_routed(x1, x2, post, [3, 5, 8, 13], y[mask], pseudo_label=False)
    assert by_mask.n_labeled_ == by_index.n_labeled_ == 4 and by_mask.C_ == by_index.C_
    # one class among labels and pseudo-labels: a constant prediction, no head
    one = fit_routed(x1, x2, post, [0], y[:1], pseudo_label=False)
    assert one.C_ is None and set(one.predict(x1, x2, post, agreement=np.zeros(100, bool))) == {
        y[0]
    }
