"""Tests of mmbounds.data: bitwise tables, synthetic suites, shipped data, loaders, splits."""

from __future__ import annotations

import gzip
import hashlib
import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mmbounds.data import (
    BITWISE_TASKS,
    MFEAT_VIEWS,
    SYNTHETIC_SETTINGS,
    MultimodalData,
    bitwise_joint,
    describe_dataset,
    list_datasets,
    load_avmnist,
    load_dataset,
    load_digits_halves,
    load_mfeat,
    load_multibench_affect,
    load_npz,
    make_pid_synthetic,
    random_joint,
    same_samples_split,
    sample_joint,
    save_npz,
    semi_supervised_split,
)
from mmbounds.data._shipped import _MFEAT_SHA256, _mfeat_file
from mmbounds.info import mutual_information

# --------------------------------------------------------------------------------------------------
# bitwise tables

# (I(X1;Y), I(X2;Y), I(X1,X2;Y)) in bits
_H_AND = -(0.75 * np.log2(0.75) + 0.25 * np.log2(0.25))  # H(Y) = I(X1,X2;Y) for a function
_MI_AND_1 = _H_AND - 0.5 * 1.0  # H(Y) - H(Y|X1); H(Y|X1=1) = 1, H(Y|X1=0) = 0
EXPECTED_MI = {
    "and": (_MI_AND_1, _MI_AND_1, _H_AND),
    "or": (_MI_AND_1, _MI_AND_1, _H_AND),
    "xor": (0.0, 0.0, 1.0),
    "unique1": (1.0, 0.0, 1.0),
    "unique2": (0.0, 1.0, 1.0),
    "redundant": (1.0, 1.0, 1.0),
    "copy": (1.0, 1.0, 2.0),
    "redundant_unique": (2.0, 1.0, 2.0),
    "redundant_and": (1 + _MI_AND_1, 1 + _MI_AND_1, 1 + _H_AND),
    "redundant_or": (1 + _MI_AND_1, 1 + _MI_AND_1, 1 + _H_AND),
    "redundant_xor": (1.0, 1.0, 2.0),
}


@pytest.mark.parametrize("name", list(BITWISE_TASKS), ids=list(BITWISE_TASKS))
def test_bitwise_tables_are_distributions_with_intended_information(name):
    p = bitwise_joint(name)
    assert p.shape == BITWISE_TASKS[name]
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    assert p.min() >= 0.0
    # y is a deterministic function of (x1, x2): at most one nonzero y per (x1, x2)
    assert np.all((p > 0).sum(axis=2) <= 1)
    i1, i2, i12 = EXPECTED_MI[name]
    assert mutual_information(p, 0, 2) == pytest.approx(i1, abs=1e-9)
    assert mutual_information(p, 1, 2) == pytest.approx(i2, abs=1e-9)
    assert mutual_information(p, (0, 1), 2) == pytest.approx(i12, abs=1e-9)


def test_bitwise_structure_xor_and_unique():
    xor = bitwise_joint("xor")
    for a in (0, 1):
        for b in (0, 1):
            assert xor[a, b, a ^ b] == 0.25 and xor[a, b, 1 - (a ^ b)] == 0.0
    u1 = bitwise_joint("unique1")
    assert np.allclose(u1.sum(axis=1), np.diag([0.5, 0.5]))
    # the copied bit c sits in x1's high bit, all of x2 and y's high bit
    p = bitwise_joint("redundant_xor")
    x1, x2, y = np.nonzero(p)
    assert np.array_equal(x1 // 2, x2 // 2) and np.array_equal(x1 // 2, y // 2)
    assert np.array_equal((x1 % 2) ^ (x2 % 2), y % 2)


def test_bitwise_unknown_name():
    with pytest.raises(ValueError, match="name must be one of"):
        bitwise_joint("nand")


def test_random_joint_shapes_seed_and_alpha():
    p = random_joint((3, 2, 4), alpha=0.5, random_state=1)
    assert p.shape == (3, 2, 4) and p.sum() == pytest.approx(1.0)
    assert np.array_equal(p, random_joint((3, 2, 4), alpha=0.5, random_state=1))
    many = random_joint(size=200, random_state=0)
    assert many.shape == (200, 2, 2, 2)
    assert np.allclose(many.sum(axis=(1, 2, 3)), 1.0)
    # Dirichlet(1) cell means are 1/8
    assert many.mean(axis=0) == pytest.approx(np.full((2, 2, 2), 1 / 8), abs=0.02)
    sparse = random_joint(size=50, alpha=1e-3, random_state=0)
    assert np.all(np.isfinite(sparse)) and np.allclose(sparse.sum(axis=(1, 2, 3)), 1.0)
    with pytest.raises(ValueError, match="alpha == 0"):
        random_joint(alpha=0)
    with pytest.raises(ValueError, match="shape must contain positive ints"):
        random_joint((2, 0, 2))


def test_random_joint_at_extreme_alpha():
    # below about 1e-8 every Gamma draw underflowed and the redraw loop never ended; at 1e308
    # the draws' sum overflowed and the table came back all zeros
    for alpha in (1e-20, 1e-300):
        p = random_joint((3, 3, 2), alpha=alpha, size=4, random_state=0)
        assert np.all(np.isfinite(p)) and np.allclose(p.sum(axis=(1, 2, 3)), 1.0)
        assert np.allclose(p.max(axis=(1, 2, 3)), 1.0)  # a point mass, to all digits
    with pytest.raises(ValueError, match=r"alpha == 1e\+308, must be <= 1000000000000"):
        random_joint(alpha=1e308)
    with pytest.raises(ValueError, match=r"alpha == 1e-320, must be >= 1e-300"):
        random_joint(alpha=1e-320)


def test_sample_joint_frequencies_and_validation():
    p = random_joint((2, 3, 2), random_state=3)
    x1, x2, y = sample_joint(p, 40000, random_state=0)
    counts = np.zeros_like(p)
    np.add.at(counts, (x1, x2, y), 1)
    assert np.abs(counts / 40000 - p).max() < 0.01
    x1, x2, y = sample_joint(bitwise_joint("xor"), 500, random_state=1)
    assert np.array_equal(x1 ^ x2, y)
    with pytest.raises(ValueError, match="n == 0"):
        sample_joint(p, 0)
    with pytest.raises(ValueError, match="p must sum to 1"):
        sample_joint(p * 2, 10)
    with pytest.raises(ValueError, match="p must be a joint table with one axis per variable"):
        sample_joint(1.0, 10)


# --------------------------------------------------------------------------------------------------
# synthetic features


def _probe(X, y, seed=0):
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=seed)
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(Xtr, ytr)
    return clf.score(Xte, yte)


def _interactions(x1, x2, k=10):
    p1 = PCA(k, random_state=0).fit_transform(x1)
    p2 = PCA(k, random_state=0).fit_transform(x2)
    return np.hstack([p1, p2, (p1[:, :, None] * p2[:, None, :]).reshape(len(p1), -1)])


@pytest.fixture(scope="module")
def synthetic():
    return {
        s: make_pid_synthetic(s, n_samples=3000, dim=40, random_state=0)
        for s in ("redundancy", "uniqueness1", "uniqueness2", "synergy")
    }


def test_synthetic_redundancy_unimodal_equals_joint(synthetic):
    d = synthetic["redundancy"]
    a1, a2 = _probe(d["x1"], d.y), _probe(d["x2"], d.y)
    joint = _probe(np.hstack([d["x1"], d["x2"]]), d.y)
    assert a1 > 0.8 and a2 > 0.8
    assert abs(joint - max(a1, a2)) < 0.05


@pytest.mark.parametrize("setting,informative", [("uniqueness1", "x1"), ("uniqueness2", "x2")])
def test_synthetic_uniqueness_only_one_modality(synthetic, setting, informative):
    d = synthetic[setting]
    other = "x2" if informative == "x1" else "x1"
    assert _probe(d[informative], d.y) > 0.8
    assert abs(_probe(d[other], d.y) - 0.5) < 0.06


def test_synthetic_synergy_needs_both_modalities(synthetic):
    d = synthetic["synergy"]
    assert abs(_probe(d["x1"], d.y) - 0.5) < 0.06
    assert abs(_probe(d["x2"], d.y) - 0.5) < 0.06
    assert abs(_probe(np.hstack([d["x1"], d["x2"]]), d.y) - 0.5) < 0.06  # no interactions
    assert _probe(_interactions(d["x1"], d["x2"]), d.y) > 0.75


def test_synthetic_synergy_multiclass_labels_independent_of_each_latent():
    d = make_pid_synthetic(
        "synergy", n_samples=6000, dim=10, n_classes=3, return_latents=True, random_state=4
    )
    assert np.bincount(d.y).min() > 1800
    z1 = d.metadata["latents"]["z1"].sum(axis=1)
    bins = np.digitize(z1, np.quantile(z1, [1 / 3, 2 / 3]))
    table = np.zeros((3, 3))
    np.add.at(table, (bins, d.y), 1)
    # y is close to uniform within every z1 bin
    assert np.abs(table / table.sum(axis=1, keepdims=True) - 1 / 3).max() < 0.05


def test_synthetic_structure_survives_discretization():
    from mmbounds.raw.discretize import Discretizer

    def info(setting):
        d = make_pid_synthetic(setting, n_samples=6000, dim=30, latent_dim=1, random_state=0)
        c1 = Discretizer(random_state=0, n_threads=1).fit_transform(d["x1"])
        c2 = Discretizer(random_state=0, n_threads=1).fit_transform(d["x2"])
        p = np.zeros((c1.max() + 1, c2.max() + 1, 2))
        np.add.at(p, (c1, c2, d.y), 1.0)
        p /= p.sum()
        return (
            mutual_information(p, 0, 2),
            mutual_information(p, 1, 2),
            mutual_information(p, (0, 1), 2),
        )

    i1, i2, i12 = info("synergy")
    assert i1 < 0.02 and i2 < 0.02 and i12 > 0.5
    i1, i2, i12 = info("redundancy")
    assert i1 > 0.6 and i2 > 0.6 and i12 - max(i1, i2) < 0.15
    i1, i2, i12 = info("uniqueness2")
    assert i1 < 0.02 and i2 > 0.6


@pytest.mark.parametrize("setting", list(SYNTHETIC_SETTINGS))
def test_synthetic_seeded_shapes_balanced(setting):
    a = make_pid_synthetic(
        setting, n_samples=400, dim=7, latent_dim=3, n_classes=2, random_state=11
    )
    b = make_pid_synthetic(
        setting, n_samples=400, dim=7, latent_dim=3, n_classes=2, random_state=11
    )
    c = make_pid_synthetic(
        setting, n_samples=400, dim=7, latent_dim=3, n_classes=2, random_state=12
    )
    assert a["x1"].shape == (400, 7) and a["x2"].shape == (400, 7)
    assert np.array_equal(a["x1"], b["x1"]) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a["x1"], c["x1"])
    assert abs(np.bincount(a.y, minlength=2)[0] - 200) <= 40
    assert a.metadata["setting"] == setting


def test_synthetic_validation():
    with pytest.raises(ValueError, match="setting must be one of"):
        make_pid_synthetic("redundant")
    with pytest.raises(ValueError, match="n_samples == 1"):
        make_pid_synthetic("synergy", n_samples=1)
    with pytest.raises(ValueError, match="noise == -1"):
        make_pid_synthetic("synergy", noise=-1.0)


# --------------------------------------------------------------------------------------------------
# container


def test_multimodal_data_pairs_subset_select_repr():
    rng = np.random.default_rng(0)
    d = MultimodalData(
        {"a": rng.normal(size=(6, 2)), "b": rng.normal(size=(6, 3)), "c": np.arange(6)},
        y=np.array([0, 1] * 3),
        name="toy",
    )
    assert list(d.pairs()) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert d.subset([0, 2]).n_samples == 2
    assert d.subset(np.arange(6) < 3)["b"].shape == (3, 3)
    assert d.select(["c", "a"]).modality_names == ("c", "a")
    assert "a=(6, 2)" in repr(d) and "n_samples=6" in repr(d)
    assert len(d) == 6 and d.classes.tolist() == [0, 1]


@pytest.mark.parametrize(
    "mods,y,exc,match",
    [
        ({"a": np.array([[np.nan], [1.0]])}, [0, 1], ValueError, "modality 'a' contains 1 NaN"),
        ({"a": np.zeros((3, 2))}, [0, 1], ValueError, "modality 'a' has 3 samples but y has 2"),
        ({"a": np.zeros((1, 2))}, [0], ValueError, "y has 1 samples; at least 2"),
        ({"a": np.zeros((2, 2))}, np.array([0, None], dtype=object), ValueError, "missing labels"),
        ({"a": np.zeros((2, 2, 2))}, [0, 1], ValueError, "flatten trailing axes"),
        ({}, [0, 1], TypeError, "non-empty dict"),
        ([np.zeros((2, 1))], [0, 1], TypeError, "non-empty dict"),
    ],
)
def test_multimodal_data_validation(mods, y, exc, match):
    with pytest.raises(exc, match=match):
        MultimodalData(mods, np.asarray(y) if not isinstance(y, np.ndarray) else y)


def test_select_unknown_modality():
    d = MultimodalData({"a": np.zeros((2, 1))}, y=[0, 1])
    with pytest.raises(ValueError, match="names has unknown entries"):
        d.select(["z"])


# --------------------------------------------------------------------------------------------------
# shipped data


def test_mfeat_loads_all_views_balanced():
    d = load_mfeat(verify=True)
    assert d.modality_names == tuple(MFEAT_VIEWS)
    assert [d[v].shape for v in d.modality_names] == [
        (2000, 76),
        (2000, 216),
        (2000, 64),
        (2000, 240),
        (2000, 47),
        (2000, 6),
    ]
    assert np.array_equal(np.bincount(d.y), np.full(10, 200))
    assert all(np.all(np.isfinite(x)) for x in d.modalities.values())
    assert len(list(d.pairs())) == 15


def test_mfeat_files_match_card_checksums():
    for view, digest in _MFEAT_SHA256.items():
        raw = gzip.decompress(_mfeat_file(view).read_bytes())
        assert hashlib.sha256(raw).hexdigest() == digest


def test_mfeat_view_selection():
    d = load_mfeat(["mor", "pix"])
    assert d.modality_names == ("mor", "pix") and d["pix"].dtype == np.float64
    with pytest.raises(ValueError, match="views has unknown entries"):
        load_mfeat(["fourier"])
    with pytest.raises(TypeError, match="views must be a sequence"):
        load_mfeat("fou")


def test_digits_halves():
    from sklearn.datasets import load_digits

    d = load_digits_halves()
    assert d["left"].shape == (1797, 32) and d["right"].shape == (1797, 32)
    images = load_digits().images
    rebuilt = np.concatenate([d["left"].reshape(-1, 8, 4), d["right"].reshape(-1, 8, 4)], axis=2)
    assert np.array_equal(rebuilt, images)


# --------------------------------------------------------------------------------------------------
# file loaders


def _affect_split(rng, n, labels_shape):
    vision = rng.normal(size=(n, 4, 3))
    vision[0, 0, 0] = np.nan
    audio = rng.normal(size=(n, 4, 2))
    audio[1, 1, 1] = -np.inf
    text = rng.normal(size=(n, 4, 5))
    labels = rng.normal(size=n).reshape(labels_shape)
    return {"vision": vision, "audio": audio, "text": text, "labels": labels, "id": np.arange(n)}


@pytest.fixture
def affect_pickle(tmp_path):
    rng = np.random.default_rng(0)
    content = {
        "train": _affect_split(rng, 12, (12, 1)),
        "valid": _affect_split(rng, 5, (5, 1)),
        "test": _affect_split(rng, 8, (8, 1, 1)),
    }
    path = tmp_path / "mosi_raw.pkl"
    with open(path, "wb") as fh:
        pickle.dump(content, fh)
    return path, content


def test_multibench_affect_loads_flattens_and_binarizes(affect_pickle):
    path, content = affect_pickle
    d = load_multibench_affect(path)
    assert d.modality_names == ("vision", "audio", "text")
    assert (
        d["vision"].shape == (8, 12) and d["audio"].shape == (8, 8) and d["text"].shape == (8, 20)
    )
    assert d["vision"][0, 0] == 0.0 and d["audio"][1, 3] == 0.0  # NaN and -inf became 0
    assert np.array_equal(d.y, (content["test"]["labels"].ravel() > 0).astype(int))
    train = load_multibench_affect(path, "train", modalities=["text"])
    assert train.modality_names == ("text",) and train.n_samples == 12


def test_multibench_affect_class_labels_and_errors(tmp_path, affect_pickle):
    path, content = affect_pickle
    humor = {s: dict(v) for s, v in content.items()}
    humor["test"]["labels"] = np.array([0, 1, 1, 0, 1, 0, 0, 1]).reshape(8, 1)
    hpath = tmp_path / "humor.pkl"
    with open(hpath, "wb") as fh:
        pickle.dump(humor, fh)
    assert load_multibench_affect(hpath).y.tolist() == [0, 1, 1, 0, 1, 0, 0, 1]
    assert load_multibench_affect(hpath, label="binary").y.sum() == 4

    missing = tmp_path / "nope.pkl"
    with pytest.raises(FileNotFoundError, match="nope.pkl"):
        load_multibench_affect(missing)
    with pytest.raises(ValueError, match="split must be one of"):
        load_multibench_affect(path, split="dev")
    bad = {"test": {"vision": np.zeros((3, 2, 2)), "labels": np.zeros((3, 1))}}
    bpath = tmp_path / "bad.pkl"
    with open(bpath, "wb") as fh:
        pickle.dump(bad, fh)
    with pytest.raises(ValueError, match=r"lacks keys \['audio', 'text'\]"):
        load_multibench_affect(bpath)
    with pytest.raises(ValueError, match="has no split 'train'"):
        load_multibench_affect(bpath, split="train", modalities=["vision"])
    short = {"test": {"vision": np.zeros((3, 2, 2)), "labels": np.zeros((2, 1))}}
    with open(bpath, "wb") as fh:
        pickle.dump(short, fh)
    with pytest.raises(ValueError, match="labels of split 'test' have 2 entries"):
        load_multibench_affect(bpath, modalities=["vision"])


def test_avmnist_loader(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "image").mkdir()
    (tmp_path / "audio").mkdir()
    for split, n in (("train", 20), ("test", 10)):
        np.save(
            tmp_path / "image" / f"{split}_data.npy",
            rng.integers(0, 256, (n, 784)).astype(np.float32),
        )
        np.save(
            tmp_path / "audio" / f"{split}_data.npy",
            rng.integers(0, 256, (n, 6, 6)).astype(np.float32),
        )
        np.save(tmp_path / f"{split}_labels.npy", rng.integers(0, 10, n))
    d = load_avmnist(tmp_path)
    assert d["image"].shape == (10, 784) and d["audio"].shape == (10, 36)
    assert d["image"].max() <= 1.0 and d["image"].dtype == np.float32
    assert np.array_equal(d.y, np.load(tmp_path / "test_labels.npy"))
    assert load_avmnist(tmp_path, "train", n_samples=5, scale=False)["audio"].max() > 1.0
    (tmp_path / "audio" / "test_data.npy").unlink()
    with pytest.raises(FileNotFoundError, match=r"audio file not found: .*test_data\.npy"):
        load_avmnist(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_avmnist(tmp_path / "missing")


def test_npz_round_trip_and_errors(tmp_path):
    rng = np.random.default_rng(0)
    d = MultimodalData(
        {"img": rng.normal(size=(5, 3)), "txt": np.arange(5)},
        y=np.array(["a", "b", "a", "b", "b"]),
        name="toy",
        description="five",
    )
    path = save_npz(tmp_path / "toy", d)
    assert path.name == "toy.npz"
    back = load_npz(path)
    assert back.modality_names == ("img", "txt")
    assert np.array_equal(back["img"], d["img"]) and np.array_equal(back["txt"], d["txt"])
    assert back.y.tolist() == d.y.tolist()
    assert back.name == "toy" and back.description == "five"

    np.savez(tmp_path / "noy.npz", x_a=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="has no 'y' array"):
        load_npz(tmp_path / "noy.npz")
    np.savez(tmp_path / "nox.npz", y=np.zeros(3), a=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="name them 'x_<modality>'"):
        load_npz(tmp_path / "nox.npz")
    np.savez(tmp_path / "nan.npz", y=np.zeros(2), x_a=np.array([[np.nan], [0.0]]))
    with pytest.raises(ValueError, match="modality 'a' contains 1 NaN"):
        load_npz(tmp_path / "nan.npz")
    with pytest.raises(FileNotFoundError, match="absent.npz"):
        load_npz(tmp_path / "absent.npz")
    with pytest.raises(TypeError, match="data must be a MultimodalData"):
        save_npz(tmp_path / "x.npz", {"a": 1})


# --------------------------------------------------------------------------------------------------
# splits


def _toy(n=100, k=3):
    rng = np.random.default_rng(0)
    mods = {f"m{i}": rng.normal(size=(n, 2)) + i for i in range(k)}
    mods["m0"][:, 0] = np.arange(n)  # row identity
    return MultimodalData(mods, rng.integers(0, 2, n))


def test_semi_supervised_split_disjoint_and_seeded():
    data = _toy()
    s = semi_supervised_split(
        data, modalities=("m0", "m2"), fractions=(0.3, 0.2, 0.4, 0.1), random_state=0
    )
    sets = [set(s.indices[k].tolist()) for k in ("d1", "d2", "dm", "test")]
    assert [len(x) for x in sets] == [30, 20, 40, 10]
    assert len(set.union(*sets)) == 100  # disjoint and covering
    assert np.array_equal(s.x1[:, 0], s.indices["d1"])
    assert np.array_equal(s.y1, data.y[s.indices["d1"]])
    assert np.array_equal(s.x2_paired, data["m2"][s.indices["dm"]])
    assert s.modalities == ("m0", "m2") and "n_test=10" in repr(s)
    again = semi_supervised_split(
        data, modalities=("m0", "m2"), fractions=(0.3, 0.2, 0.4, 0.1), random_state=0
    )
    assert all(np.array_equal(s.indices[k], again.indices[k]) for k in s.indices)
    three = semi_supervised_split((data["m0"], data["m1"], data.y), random_state=1)
    assert three.y_test is None and three.x1.shape == (33, 2) and three.modalities == ("x1", "x2")


def test_semi_supervised_split_errors():
    data = _toy()
    with pytest.raises(ValueError, match="pass modalities"):
        semi_supervised_split(data)
    with pytest.raises(ValueError, match="sum to at most 1"):
        semi_supervised_split(data, modalities=("m0", "m1"), fractions=(0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="3 entries"):
        semi_supervised_split(data, modalities=("m0", "m1"), fractions=(0.5, 0.5))
    with pytest.raises(ValueError, match=r"fractions\[1\] == 0"):
        semi_supervised_split(data, modalities=("m0", "m1"), fractions=(0.5, 0.0, 0.5))
    with pytest.raises(ValueError, match="leave .*'test'.* empty"):
        semi_supervised_split(data, modalities=("m0", "m1"), fractions=(0.3, 0.3, 0.3, 0.005))
    with pytest.raises(ValueError, match="has 4 samples but y has 3"):
        semi_supervised_split((np.zeros((4, 1)), np.zeros((3, 1)), [0, 1, 0]))
    with pytest.raises(TypeError, match="MultimodalData or a tuple"):
        semi_supervised_split({"x": 1})
    arrays = (np.zeros((30, 2)), np.ones((30, 3)), np.arange(30) % 2)
    with pytest.raises(ValueError, match="two different names"):  # X2 silently replaced X1
        semi_supervised_split(arrays, modalities=("a", "a"), random_state=0)
    with pytest.raises(TypeError, match="pair of names, got the string 'ab'"):
        semi_supervised_split(arrays, modalities="ab", random_state=0)


def test_same_samples_split():
    data = _toy(k=2)
    s = same_samples_split(data)
    assert s.x1 is data["m0"] and s.x2_paired is data["m1"] and s.y_test is data.y
    assert np.array_equal(s.indices["dm"], np.arange(100))


# --------------------------------------------------------------------------------------------------
# registry and import hygiene


def test_registry():
    names = list_datasets()
    assert set(BITWISE_TASKS) <= set(names) and set(SYNTHETIC_SETTINGS) <= set(names)
    assert {"mfeat", "digits_halves"} <= set(names)
    for name in names:
        info = describe_dataset(name)
        assert info["name"] == name and info["kind"] in {"table", "synthetic", "shipped"}
    assert describe_dataset("mfeat")["modalities"]["pix"] == 240
    assert np.array_equal(load_dataset("xor"), bitwise_joint("xor"))
    d = load_dataset("synergy", n_samples=50, dim=3, random_state=0)
    assert isinstance(d, MultimodalData) and d.n_samples == 50
    with pytest.raises(ValueError, match="name must be one of"):
        describe_dataset("mnist")


def test_importing_data_does_not_import_torch():
    code = (
        "import sys, mmbounds.data, mmbounds.raw.discretize, mmbounds.raw.classifiers; "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
