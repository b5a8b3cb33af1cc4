"""The small torch MLP behind ``classifier="mlp"`` (``mmbounds.raw.classifiers.fit_unimodal``)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._validation import check_scalar

__all__ = ["fit_mlp"]

MLP_DEFAULTS: dict[str, Any] = {
    "hidden_sizes": (64,),
    "epochs": 30,
    "batch_size": 64,
    "lr": 3e-3,
    "weight_decay": 1e-4,
}


class _TorchMLP:
    """Small feed-forward classifier in torch; inputs standardized with training statistics."""

    def __init__(self, net: Any, mean: np.ndarray, scale: np.ndarray, classes: np.ndarray) -> None:
        self.net = net
        self.mean_ = mean
        self.scale_ = scale
        self.classes_ = classes

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        import torch

        z = torch.as_tensor((X - self.mean_) / self.scale_, dtype=torch.float32)
        self.net.eval()
        with torch.no_grad():
            return torch.softmax(self.net(z), dim=1).double().numpy()


def fit_mlp(X: np.ndarray, y: np.ndarray, seed: int, params: dict[str, Any]) -> _TorchMLP:
    """Train the MLP on validated samples (standardized inputs, ReLU layers, Adam, cross-entropy).

    Parameters
    ----------
    X : ndarray, shape (n_samples, n_features)
        Validated features.
    y : ndarray, shape (n_samples,)
        Validated labels.
    seed : int
        Seed of torch's generator (inside a forked RNG state: the global seed is left alone).
    params : dict
        Options among :data:`MLP_DEFAULTS` (the others take their defaults).

    Returns
    -------
    _TorchMLP
        With ``classes_`` (the sorted labels of ``y``) and ``predict_proba``.
    """
    import torch

    unknown = set(params) - set(MLP_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown mlp options {sorted(unknown)}; allowed {sorted(MLP_DEFAULTS)}")
    opts = {**MLP_DEFAULTS, **params}
    hidden = tuple(int(h) for h in opts["hidden_sizes"])
    epochs = int(check_scalar(opts["epochs"], name="epochs", kind=numbers.Integral, min_val=1))
    batch = int(
        check_scalar(opts["batch_size"], name="batch_size", kind=numbers.Integral, min_val=1)
    )
    classes, yi = np.unique(y, return_inverse=True)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    xt = torch.as_tensor((X - mean) / scale, dtype=torch.float32)
    yt = torch.as_tensor(yi.ravel(), dtype=torch.long)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        layers: list[Any] = []
        width = X.shape[1]
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
            width = h
        layers.append(torch.nn.Linear(width, classes.size))
        net = torch.nn.Sequential(*layers)
        opt = torch.optim.Adam(
            net.parameters(), lr=float(opts["lr"]), weight_decay=float(opts["weight_decay"])
        )
        loss_fn = torch.nn.CrossEntropyLoss()
        n = xt.shape[0]
        net.train()
        for _ in range(epochs):
            order = torch.randperm(n, generator=gen)
            for start in range(0, n, batch):
                idx = order[start : start + batch]
                opt.zero_grad()
                loss = loss_fn(net(xt[idx]), yt[idx])
                loss.backward()
                opt.step()
    return _TorchMLP(net, mean, scale, classes)
