"""Disagreement-aware self-supervised pretraining on unlabeled modality pairs (torch).

Agreement-only pretraining (CLIP-style InfoNCE between the two modality embeddings) keeps what the
modalities *share* and is free to discard the rest, so the label information that lives in the
unique parts or only in their *combination* (synergy) is lost. :func:`pretrain` keeps the
agreement objective but adds three named terms, each with its own weight (``weights=``), on the
unlabeled pairs ``DM`` and the posteriors ``f1(x1), f2(x2)`` of unimodal classifiers trained on
``D1``, ``D2``. With ``delta_i = TV(f1(x1_i), f2(x2_i))`` in ``[0, 1]`` (total variation between
the two unimodal label posteriors of pair ``i``), the loss is::

    L = w_align   * sum_i a_i InfoNCE_i(p1, p2)                        "align"
      + w_retain  * (||x1 - dec1(e1)||^2 + ||x2 - dec2(e2)||^2)        "retain"
      + w_match   * sum_i m_i BCE(true pair vs. hard negative | h)     "match"
      + w_distill * (CE(f1(x1), g1(e1)) + CE(f2(x2), g2(e2)))          "distill"

    a_i ∝ 1 - align_disagreement * delta_i,   m_i ∝ 1 + match_disagreement * delta_i

(both normalized to mean 1 over ``DM``). ``e_i = enc_i(x_i)`` are the modality embeddings,
``p_i = proj_i(e_i)`` their projections for InfoNCE, and ``h = vec(e1 ⊗ e2)`` the fused code,
the outer product of the two embeddings (tensor fusion: every pairwise product, so a *linear*
read-out of ``h`` can express interactions such as ``XOR = sign(a1 a2)``). The representation for
downstream use is ``[e1, e2, h]``; the fusion has no parameters, so whatever the fused code knows
comes from what the embeddings keep.

* **align** -- symmetric InfoNCE (temperature ``temperature``), down-weighted on pairs where the
  unimodal predictors disagree: there the modalities carry different label information, and
  pulling them together would erase it.
* **retain** -- each embedding must reconstruct its (standardized) input, so non-shared
  information (the ingredients of uniqueness and synergy) is kept rather than collapsed away by
  the agreement term.
* **match** -- a head on the fused code ``h`` decides whether ``(x1, x2)`` is a true pair or a
  mismatched one. Half of the negatives are *hard*: for each ``x1_i`` the partner ``x2_j`` (j != i)
  most similar in the aligned space, which agrees with ``x1_i`` on what the modalities share, so
  telling them apart needs the combination. Pairs whose unimodal predictors disagree weigh more.
* **distill** -- each embedding predicts its unimodal classifier's posterior, keeping the label
  information the classifiers found in ``D1``, ``D2`` (uniqueness).

``method="contrastive"`` is the agreement-only baseline (only ``align``, unweighted);
``method="none"`` returns the randomly initialised encoder. Every method uses the same
architecture, so differences come from the objectives only. Setting a weight to 0 removes that
term (and its computation) -- this is how the ablations are run.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), §6 (disagreement-aware SSL; our recipe is our own).
A. Radford et al., "Learning Transferable Visual Models From Natural Language Supervision",
ICML 2021 (CLIP, symmetric InfoNCE). A. Zadeh et al., "Tensor Fusion Network for Multimodal
Sentiment Analysis", EMNLP 2017 (multiplicative fusion). J. Li et al., "Align before Fuse", NeurIPS
2021 (image-text matching with hard negatives).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._validation import _to_numpy, check_option, check_random_state, check_scalar

__all__ = ["Encoder", "pretrain", "linear_probe", "disagreement_scores", "SSL_TERMS", "METHODS"]

#: Loss terms and the strengths of the disagreement weighting (defaults of ``"disagreement"``).
SSL_TERMS: dict[str, float] = {
    "align": 1.0,
    "retain": 1.0,
    "match": 0.5,
    "distill": 0.5,
    "align_disagreement": 1.0,
    "match_disagreement": 1.0,
}
#: Preset weights of each method (``weights=`` overrides entries).
METHODS: dict[str, dict[str, float]] = {
    "disagreement": dict(SSL_TERMS),
    "contrastive": {k: (1.0 if k == "align" else 0.0) for k in SSL_TERMS},
    "none": {k: 0.0 for k in SSL_TERMS},
}
_MAX_SEED = 2**31 - 1


def disagreement_scores(p1: Any, p2: Any) -> np.ndarray:
    """Total-variation distance between two unimodal posteriors, pair by pair.

    Parameters
    ----------
    p1, p2 : array_like, shape (n_pairs, n_classes)
        ``f1(x1_i)`` and ``f2(x2_i)``, rows summing to 1 (columns in the same label order).

    Returns
    -------
    ndarray, shape (n_pairs,)
        ``delta_i = 1/2 sum_y |f1(x1_i)_y - f2(x2_i)_y|`` in ``[0, 1]``.

    Examples
    --------
    >>> disagreement_scores([[1.0, 0.0], [0.5, 0.5]], [[0.0, 1.0], [0.5, 0.5]]).tolist()
    [1.0, 0.0]
    """
    a = np.asarray(_to_numpy(p1), dtype=np.float64)
    b = np.asarray(_to_numpy(p2), dtype=np.float64)
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(
            f"posteriors must be two 2-D arrays of one shape, got {a.shape}, {b.shape}"
        )
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("posteriors contain NaN or infinite values")
    return np.clip(0.5 * np.abs(a - b).sum(axis=1), 0.0, 1.0)


# --------------------------------------------------------------------------------------------------
# the encoder


class Encoder:
    """Pretrained (or random) two-modality encoder; :meth:`transform` gives fused features.

    Instances come from :func:`pretrain`.

    Attributes
    ----------
    method : str
        ``"disagreement"``, ``"contrastive"`` or ``"none"``.
    weights : dict of str to float
        The weights actually used (see :data:`SSL_TERMS`).
    history_ : dict of str to list of float
        Per-epoch mean of each active term (unweighted) and of the weighted ``"total"``.
    n_features_out_ : int
        Width of the fused features ``[e1, e2, h]``.
    config : dict
        Architecture and optimisation settings.
    """

    def __init__(
        self,
        modules: Any,
        stats: tuple[np.ndarray, ...],
        method: str,
        weights: dict[str, float],
        history: dict[str, list[float]],
        config: dict[str, Any],
    ) -> None:
        self._modules = modules
        self._stats = stats
        self.method = method
        self.weights = weights
        self.history_ = history
        self.config = config
        self.n_features_out_ = 2 * config["embed_dim"] + config["embed_dim"] ** 2

    def transform(self, X1: Any, X2: Any, *, batch_size: int = 4096) -> np.ndarray:
        """Fused features ``[e1, e2, h]`` of paired samples.

        Parameters
        ----------
        X1, X2 : array_like or torch.Tensor, shapes (n, d1), (n, d2)
            Row ``i`` of both is one pair (same feature counts as in :func:`pretrain`).
        batch_size : int
            Rows per forward pass.

        Returns
        -------
        ndarray of float64, shape (n, n_features_out_)
        """
        import torch

        x1 = _check_features(X1, name="X1", n_features=self._stats[0].shape[0])
        x2 = _check_features(
            X2, name="X2", n_features=self._stats[2].shape[0], n_samples=x1.shape[0]
        )
        t1, t2 = self._standardize(x1, x2)
        out = []
        m = self._modules
        m.eval()
        with torch.no_grad():
            for s in range(0, t1.shape[0], batch_size):
                e1, e2, h = m.features(t1[s : s + batch_size], t2[s : s + batch_size])
                out.append(torch.cat([e1, e2, h], dim=1))
        return torch.cat(out).double().numpy()

    def _standardize(self, x1: np.ndarray, x2: np.ndarray) -> tuple[Any, Any]:
        import torch

        m1, s1, m2, s2 = self._stats
        return (
            torch.as_tensor((x1 - m1) / s1, dtype=torch.float32),
            torch.as_tensor((x2 - m2) / s2, dtype=torch.float32),
        )

    def __repr__(self) -> str:
        active = ", ".join(f"{k}={v:g}" for k, v in self.weights.items() if v)
        last = self.history_.get("total", [])
        tail = f", final loss {last[-1]:.4f}" if last else ""
        return (
            f"Encoder(method={self.method!r}, {active or 'untrained'}, "
            f"n_features_out={self.n_features_out_}{tail})"
        )


def _build_modules(d1: int, d2: int, n_classes: int, cfg: dict[str, Any]) -> Any:
    """All torch modules of the recipe (built under the caller's seeded RNG)."""
    import torch
    from torch import nn

    hid, emb, prj = cfg["hidden_dim"], cfg["embed_dim"], cfg["proj_dim"]

    def mlp(a: int, b: int) -> nn.Module:
        return nn.Sequential(nn.Linear(a, hid), nn.ReLU(), nn.Linear(hid, b))

    class _Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc1, self.enc2 = mlp(d1, emb), mlp(d2, emb)
            self.proj1, self.proj2 = nn.Linear(emb, prj), nn.Linear(emb, prj)
            self.dec1, self.dec2 = mlp(emb, d1), mlp(emb, d2)
            self.match = nn.Sequential(nn.Linear(emb * emb, hid), nn.ReLU(), nn.Linear(hid, 1))
            self.head1 = nn.Linear(emb, max(n_classes, 1))
            self.head2 = nn.Linear(emb, max(n_classes, 1))

        def fuse(self, e1: torch.Tensor, e2: torch.Tensor) -> torch.Tensor:
            return (e1[:, :, None] * e2[:, None, :]).flatten(1)

        def features(self, x1: torch.Tensor, x2: torch.Tensor) -> tuple[torch.Tensor, ...]:
            e1, e2 = self.enc1(x1), self.enc2(x2)
            return e1, e2, self.fuse(e1, e2)

    return _Net()


# --------------------------------------------------------------------------------------------------
# pretraining


def _check_features(
    x: Any, *, name: str, n_features: int | None = None, n_samples: int | None = None
) -> np.ndarray:
    arr = np.asarray(_to_numpy(x))
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a numeric 2-D array (n, features), got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains {int(np.sum(~np.isfinite(arr)))} NaN or infinite values")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(f"{name} has {arr.shape[1]} features, the encoder expects {n_features}")
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} rows but the other modality has {n_samples}")
    return arr


def _resolve_posteriors(
    posteriors: Any, x1: np.ndarray, x2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(posteriors, (tuple, list)) or len(posteriors) != 2:
        raise TypeError("posteriors must be a pair (f1, f2) of arrays or fitted classifiers")
    out = []
    for i, (p, x) in enumerate(zip(posteriors, (x1, x2), strict=True)):
        if hasattr(p, "predict_proba"):
            p = p.predict_proba(x)
        arr = np.asarray(_to_numpy(p), dtype=np.float64)
        if arr.ndim != 2 or arr.shape[0] != x.shape[0]:
            raise ValueError(
                f"posteriors[{i}] must have shape (n_pairs={x.shape[0]}, n_classes), "
                f"got {arr.shape}"
            )
        if np.any(arr < -1e-9) or np.any(np.abs(arr.sum(axis=1) - 1.0) > 1e-4):
            raise ValueError(f"posteriors[{i}] rows must be probability vectors summing to 1")
        out.append(np.clip(arr, 0.0, 1.0))
    if out[0].shape != out[1].shape:
        raise ValueError(f"posteriors disagree in shape: {out[0].shape} vs {out[1].shape}")
    return out[0], out[1]


def _resolve_weights(method: str, weights: Mapping[str, float] | None) -> dict[str, float]:
    w = dict(METHODS[method])
    for k, v in (weights or {}).items():
        if k not in SSL_TERMS:
            raise ValueError(f"weights: unknown term {k!r}; choose from {list(SSL_TERMS)}")
        w[k] = float(check_scalar(v, name=f"weights[{k!r}]", min_val=0.0))
    for k in ("align_disagreement",):
        if w[k] > 1.0:
            raise ValueError(f"weights[{k!r}] == {w[k]}, must be <= 1 (alignment weights >= 0)")
    return w


def pretrain(
    X1u: Any,
    X2u: Any,
    *,
    method: str = "disagreement",
    weights: Mapping[str, float] | None = None,
    posteriors: tuple[Any, Any] | None = None,
    epochs: int = 30,
    batch_size: int = 256,
    lr: float = 1e-3,
    temperature: float = 0.1,
    hidden_dim: int = 128,
    embed_dim: int = 16,
    proj_dim: int = 32,
    weight_decay: float = 1e-5,
    random_state: int | np.random.Generator | None = None,
    device: str | None = None,
    progress: bool = False,
) -> Encoder:
    """Pretrain a two-modality encoder on unlabeled pairs ``DM`` (see the module docstring).

    Parameters
    ----------
    X1u, X2u : array_like or torch.Tensor, shapes (n, d1), (n, d2)
        Unlabeled paired features; row ``i`` of both is one pair. Standardized internally with
        their own means and standard deviations (stored for :meth:`Encoder.transform`).
    method : {"disagreement", "contrastive", "none"}
        Preset weights (:data:`METHODS`): the full recipe, agreement-only InfoNCE, or no training.
    weights : mapping or None
        Overrides of the preset, by term name (:data:`SSL_TERMS`): ``align``, ``retain``,
        ``match``, ``distill`` (loss weights, >= 0; 0 removes the term) and ``align_disagreement``
        (in [0, 1]) and ``match_disagreement`` (>= 0), the strength of the disagreement weighting.
    posteriors : (f1, f2) or None
        Unimodal posteriors on the pairs, arrays ``(n, n_classes)`` in one label order, or fitted
        classifiers with ``predict_proba`` (applied to ``X1u``, ``X2u``). Required when a term that
        uses them (``align_disagreement``, ``match_disagreement``, ``distill``) is active.
    epochs, batch_size, lr, weight_decay :
        Adam optimisation settings.
    temperature : float
        InfoNCE temperature.
    hidden_dim, embed_dim, proj_dim : int
        Widths: MLP hidden layer, modality embeddings ``e_i`` (the fused code ``h`` has
        ``embed_dim ** 2`` features), InfoNCE projections.
    random_state : None, int or numpy.random.Generator
        Seeds initialisation and batching (in a forked torch RNG state; the global seed is left
        alone). One integer gives identical encoders on the same machine and thread count.
    device : str or None
        torch device (default CPU).
    progress : bool
        Show a progress bar over epochs.

    Returns
    -------
    Encoder
        With ``history_`` recording each active term per epoch.

    Raises
    ------
    ValueError
        On mismatched rows, bad weights, or missing posteriors for an active disagreement term.
    TypeError
        On malformed ``posteriors``.

    Notes
    -----
    InfoNCE for pair ``i`` with cosine similarities ``s_ij = <p1_i, p2_j> / (|p1_i||p2_j| tau)``:
    ``1/2 (-log softmax_j(s_i.)_i - log softmax_j(s_.i)_i)``. The match head scores fused codes;
    positives are the batch's true pairs, negatives pair each ``x1_i`` with a hard partner
    (argmax_{j != i} s_ij, no gradient through the choice) and with a random partner.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=(64, 2))
    >>> enc = pretrain(z, -z, method="contrastive", epochs=2, batch_size=32, random_state=0)
    >>> enc.transform(z, -z).shape
    (64, 288)
    """
    import torch
    import torch.nn.functional as F

    check_option(method, name="method", options=tuple(METHODS))
    w = _resolve_weights(method, weights)
    for name, v in (
        ("epochs", epochs),
        ("batch_size", batch_size),
        ("hidden_dim", hidden_dim),
        ("embed_dim", embed_dim),
        ("proj_dim", proj_dim),
    ):
        check_scalar(v, name=name, kind=numbers.Integral, min_val=1)
    check_scalar(lr, name="lr", min_val=0.0, include_min=False)
    check_scalar(temperature, name="temperature", min_val=0.0, include_min=False)
    check_scalar(weight_decay, name="weight_decay", min_val=0.0)
    x1 = _check_features(X1u, name="X1u")
    x2 = _check_features(X2u, name="X2u", n_samples=x1.shape[0])
    n = x1.shape[0]
    if n < 2:
        raise ValueError(f"pretrain needs at least 2 pairs, got {n}")

    needs_post = (
        w["distill"] > 0
        or (w["align"] > 0 and w["align_disagreement"] > 0)
        or (w["match"] > 0 and w["match_disagreement"] > 0)
    )
    if needs_post and posteriors is None:
        raise ValueError(
            "posteriors=(f1, f2) are needed for the disagreement-weighted and distill terms; "
            "train unimodal classifiers on D1, D2 (mmbounds.classifiers.fit_unimodal), or set "
            "weights={'align_disagreement': 0, 'match_disagreement': 0, 'distill': 0}"
        )
    p1 = p2 = None
    delta = np.zeros(n)
    if posteriors is not None:
        p1, p2 = _resolve_posteriors(posteriors, x1, x2)
        delta = disagreement_scores(p1, p2)
    n_classes = 0 if p1 is None else p1.shape[1]

    rng = check_random_state(random_state)
    seed = int(rng.integers(0, _MAX_SEED))
    m1, m2 = x1.mean(axis=0), x2.mean(axis=0)
    s1 = np.where(x1.std(axis=0) > 0, x1.std(axis=0), 1.0)
    s2 = np.where(x2.std(axis=0) > 0, x2.std(axis=0), 1.0)
    cfg = {
        "hidden_dim": int(hidden_dim),
        "embed_dim": int(embed_dim),
        "proj_dim": int(proj_dim),
        "epochs": int(epochs),
        "batch_size": int(batch_size),
        "lr": float(lr),
        "temperature": float(temperature),
        "weight_decay": float(weight_decay),
        "seed": seed,
    }
    dev = torch.device(device or "cpu")
    history: dict[str, list[float]] = {}

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = _build_modules(x1.shape[1], x2.shape[1], n_classes, cfg).to(dev)
        encoder = Encoder(net, (m1, s1, m2, s2), method, w, history, cfg)
        active = [t for t in ("align", "retain", "match", "distill") if w[t] > 0]
        if not active:
            net.cpu()
            return encoder
        t1, t2 = (t.to(dev) for t in encoder._standardize(x1, x2))
        a_w = 1.0 - w["align_disagreement"] * delta
        a_w = a_w / max(a_w.mean(), 1e-12)
        m_w = 1.0 + w["match_disagreement"] * delta
        m_w = m_w / m_w.mean()
        aw_t = torch.as_tensor(a_w, dtype=torch.float32, device=dev)
        mw_t = torch.as_tensor(m_w, dtype=torch.float32, device=dev)
        q1 = None if p1 is None else torch.as_tensor(p1, dtype=torch.float32, device=dev)
        q2 = None if p2 is None else torch.as_tensor(p2, dtype=torch.float32, device=dev)
        gen = torch.Generator().manual_seed(seed)
        opt = torch.optim.Adam(net.parameters(), lr=float(lr), weight_decay=float(weight_decay))
        bs = min(int(batch_size), n)
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=int(epochs), desc=f"pretrain[{method}]", leave=False)
        for k in [*active, "total"]:
            history[k] = []
        net.train()
        for _ in range(int(epochs)):
            order = torch.randperm(n, generator=gen)
            sums = dict.fromkeys(history, 0.0)
            n_batches = 0
            for start in range(0, n, bs):
                idx = order[start : start + bs]
                if idx.numel() < 2:
                    continue
                idx_d = idx.to(dev)
                xb1, xb2 = t1[idx_d], t2[idx_d]
                e1, e2 = net.enc1(xb1), net.enc2(xb2)
                terms: dict[str, torch.Tensor] = {}
                sim = None
                if w["align"] > 0 or w["match"] > 0:
                    z1 = F.normalize(net.proj1(e1), dim=1)
                    z2 = F.normalize(net.proj2(e2), dim=1)
                    sim = z1 @ z2.T / float(temperature)
                if w["align"] > 0:
                    target = torch.arange(idx.numel(), device=dev)
                    nce = 0.5 * (
                        F.cross_entropy(sim, target, reduction="none")
                        + F.cross_entropy(sim.T, target, reduction="none")
                    )
                    terms["align"] = (aw_t[idx_d] * nce).mean()
                if w["retain"] > 0:
                    terms["retain"] = F.mse_loss(net.dec1(e1), xb1) + F.mse_loss(net.dec2(e2), xb2)
                if w["match"] > 0:
                    b = idx.numel()
                    with torch.no_grad():
                        s = sim.detach().clone()
                        s.fill_diagonal_(-float("inf"))
                        hard = s.argmax(dim=1)
                        shift = torch.randint(1, b, (b,), generator=gen).to(dev)
                        rand = (torch.arange(b, device=dev) + shift) % b
                    pos = net.match(net.fuse(e1, e2)).squeeze(1)
                    neg_h = net.match(net.fuse(e1, e2[hard])).squeeze(1)
                    neg_r = net.match(net.fuse(e1, e2[rand])).squeeze(1)
                    bce = (
                        F.binary_cross_entropy_with_logits(
                            pos, torch.ones_like(pos), reduction="none"
                        )
                        + 0.5
                        * F.binary_cross_entropy_with_logits(
                            neg_h, torch.zeros_like(neg_h), reduction="none"
                        )
                        + 0.5
                        * F.binary_cross_entropy_with_logits(
                            neg_r, torch.zeros_like(neg_r), reduction="none"
                        )
                    )
                    terms["match"] = (mw_t[idx_d] * bce).mean()
                if w["distill"] > 0:
                    lp1 = F.log_softmax(net.head1(e1), dim=1)
                    lp2 = F.log_softmax(net.head2(e2), dim=1)
                    terms["distill"] = (
                        -(q1[idx_d] * lp1).sum(1).mean() - (q2[idx_d] * lp2).sum(1).mean()
                    )
                loss = sum(w[k] * v for k, v in terms.items())
                opt.zero_grad()
                loss.backward()
                opt.step()
                for k, v in terms.items():
                    sums[k] += float(v.detach())
                sums["total"] += float(loss.detach())
                n_batches += 1
            for k in history:
                history[k].append(sums[k] / max(n_batches, 1))
            if bar is not None:
                bar.set_postfix_str(f"loss {history['total'][-1]:.4f}")
                bar.update(1)
        if bar is not None:
            bar.close()
        net.eval()
        net.cpu()
    return encoder


# --------------------------------------------------------------------------------------------------
# evaluation


def linear_probe(
    features_train: Any,
    y_train: Any,
    features_test: Any,
    y_test: Any,
    *,
    C: float = 1.0,
    max_iter: int = 5000,
) -> float:
    """Accuracy of a linear classifier trained on frozen features (the standard SSL probe).

    Parameters
    ----------
    features_train, features_test : array_like, shapes (n_train, d), (n_test, d)
        Frozen representations (e.g. :meth:`Encoder.transform`).
    y_train, y_test : array_like
        Labels.
    C : float
        Inverse L2 strength of the multinomial logistic regression (features standardized with
        training statistics).
    max_iter : int
        L-BFGS iterations.

    Returns
    -------
    float
        Test accuracy in ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [0.2], [1.0], [1.2]]); y = np.array([0, 0, 1, 1])
    >>> linear_probe(X, y, X, y)
    1.0
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    check_scalar(C, name="C", min_val=0.0, include_min=False)
    f_tr = _check_features(features_train, name="features_train")
    f_te = _check_features(features_test, name="features_test", n_features=f_tr.shape[1])
    y_tr, y_te = np.asarray(_to_numpy(y_train)), np.asarray(_to_numpy(y_test))
    if y_tr.shape != (f_tr.shape[0],) or y_te.shape != (f_te.shape[0],):
        raise ValueError(
            f"labels must be 1-D and match the feature rows: y_train {y_tr.shape} for "
            f"{f_tr.shape[0]} rows, y_test {y_te.shape} for {f_te.shape[0]} rows"
        )
    if np.unique(y_tr).size < 2:
        raise ValueError("y_train needs at least 2 classes for a probe")
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=float(C), max_iter=int(max_iter)))
    clf.fit(f_tr, y_tr)
    return float(np.mean(clf.predict(f_te) == y_te))
