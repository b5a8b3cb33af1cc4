"""The two-modality :class:`Encoder` returned by pretraining, and the torch modules behind it.

torch is imported inside the functions that need it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_features

__all__ = ["Encoder"]


class Encoder:
    """Pretrained (or random) two-modality encoder; :meth:`transform` gives fused features.

    Instances come from :func:`pretrain`.

    Attributes
    ----------
    objective : str
        ``"combined"``, ``"contrastive"`` or ``"none"``.
    weights : dict of str to float
        The weights actually used (see :data:`SSL_TERMS`).
    history_ : dict of str to list of float
        Per-epoch mean of each active term (unweighted) and of the weighted ``"total"``.
    n_features_out_ : int
        Width of the fused features ``[e1, e2, h]``.
    config : dict
        Architecture and optimisation settings.

    Examples
    --------
    >>> import numpy as np
    >>> from mmbounds.pretraining import pretrain
    >>> z = np.random.default_rng(0).normal(size=(32, 2))
    >>> enc = pretrain(z, -z, objective="contrastive", epochs=2, batch_size=16, hidden_dim=8,
    ...                embed_dim=4, proj_dim=4, progress=False)
    >>> enc.objective, enc.n_features_out_, enc.transform(z, -z).shape
    ('contrastive', 24, (32, 24))
    >>> len(enc.history_["total"])
    2
    """

    def __init__(
        self,
        modules: Any,
        stats: tuple[np.ndarray, ...],
        objective: str,
        weights: dict[str, float],
        history: dict[str, list[float]],
        config: dict[str, Any],
    ) -> None:
        self._modules = modules
        self._stats = stats
        self.objective = objective
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

        x1 = check_features(X1, name="X1", kind="continuous", n_features=self._stats[0].shape[0])
        x2 = check_features(
            X2,
            name="X2",
            kind="continuous",
            n_features=self._stats[2].shape[0],
            n_samples=x1.shape[0],
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
            f"Encoder(objective={self.objective!r}, {active or 'untrained'}, "
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
