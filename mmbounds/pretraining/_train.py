"""Pretraining of a two-modality encoder on unlabeled pairs (:func:`pretrain`).

The objectives, and how they compare with baselines that use the same information, are described
in :mod:`mmbounds.pretraining`; torch is imported inside :func:`pretrain`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._validation import check_features, check_option, check_random_state, check_scalar
from ._encoder import Encoder, _build_modules
from ._weights import OBJECTIVES, _resolve_posteriors, _resolve_weights, disagreement_scores

__all__ = ["pretrain"]

_MAX_SEED = 2**31 - 1


def pretrain(
    X1u: Any,
    X2u: Any,
    *,
    objective: str = "combined",
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
    random_state: int | np.random.Generator | None = 0,
    device: str | None = None,
    progress: bool = True,
) -> Encoder:
    """Pretrain a two-modality encoder on unlabeled pairs ``DM`` (see :mod:`mmbounds.pretraining`).

    Parameters
    ----------
    X1u, X2u : array_like or torch.Tensor, shapes (n, d1), (n, d2)
        Unlabeled paired features; row ``i`` of both is one pair. Standardized internally with
        their own means and standard deviations (stored for :meth:`Encoder.transform`).
    objective : {"combined", "contrastive", "none"}
        Preset weights (:data:`OBJECTIVES`): the four-term objective with disagreement-weighted
        InfoNCE and matching, agreement-only InfoNCE, or no training. In the benchmark neither
        trained objective beats the equal-information baselines (see :mod:`mmbounds.pretraining`).
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
    random_state : None, int or numpy.random.Generator, default 0
        Seeds initialisation and batching (in a forked torch RNG state; the global seed is left
        alone). One integer gives identical encoders on the same machine and thread count.
    device : str or None
        torch device (default CPU).
    progress : bool, default True
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
    >>> enc = pretrain(z, -z, objective="contrastive", epochs=2, batch_size=32, random_state=0)
    >>> enc.transform(z, -z).shape
    (64, 288)
    """
    import torch
    import torch.nn.functional as F

    check_option(objective, name="objective", options=tuple(OBJECTIVES))
    w = _resolve_weights(objective, weights)
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
    x1 = check_features(X1u, name="X1u", kind="continuous")
    x2 = check_features(X2u, name="X2u", kind="continuous", n_samples=x1.shape[0])
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
            "train unimodal classifiers on D1, D2 (mmbounds.raw.classifiers.fit_unimodal), or set "
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
        encoder = Encoder(net, (m1, s1, m2, s2), objective, w, history, cfg)
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

            bar = tqdm(total=int(epochs), desc=f"pretrain[{objective}]", leave=False)
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
