"""Issue 14, inputs: safe loaders, input forms read by explicit rules, clear errors at the door."""

from __future__ import annotations

import os
import pickle
import zipfile

import numpy as np
import pytest

import mmbounds
from mmbounds import Marginals, estimate, performance_bounds
from mmbounds._validation import (
    check_data_form,
    check_features,
    check_labels,
    check_posteriors,
    check_spellings,
    check_table,
)
from mmbounds.data import load_avmnist, load_multibench_affect, load_npz

from .conftest import CANONICAL

# --------------------------------------------------------------------------------------------------
# 1. loaders never unpickle code by default


class _Touch:
    """Unpickling this runs ``os.mkdir(path)``: a stand-in for ``os.system``."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.mkdir, (self.path,))


def _affect(n=6, rng=None):
    rng = rng or np.random.default_rng(0)
    split = {m: rng.normal(size=(n, 2, 3)) for m in ("vision", "audio", "text")}
    split["labels"] = rng.normal(size=(n, 1))
    return {"train": split, "valid": split, "test": split}


def test_crafted_pickle_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "mosi.pkl"
    content = _affect()
    content["test"]["id"] = _Touch(str(marker))
    evil.write_bytes(pickle.dumps(content))
    with pytest.raises(
        ValueError, match=r"refers to (posix|nt|os)\.mkdir, which is not a numpy array"
    ):
        load_multibench_affect(evil)
    assert not marker.exists()
    with pytest.raises(ValueError, match=r"pass allow_pickle=True \(CLI: --allow-pickle\)"):
        load_multibench_affect(evil)
    assert not marker.exists()
    # the explicit opt-in is plain pickle.load: it does run the code (hence the warning)
    load_multibench_affect(evil, allow_pickle=True)
    assert marker.exists()
    with pytest.raises(TypeError, match="allow_pickle must be True or False"):
        load_multibench_affect(evil, allow_pickle="yes")


def test_restricted_reader_loads_plain_data_of_every_protocol(tmp_path):
    content = _affect()
    content["test"]["id"] = np.array(["a", "b", "c", "d", "e", "f"], dtype=object)
    for protocol in (2, 4, 5):
        f = tmp_path / f"mosi_{protocol}.pkl"
        f.write_bytes(pickle.dumps(content, protocol=protocol))
        d = load_multibench_affect(f)
        assert d.n_samples == 6 and d["text"].shape == (6, 6)


def test_corrupt_pickles_name_the_file(tmp_path):
    f = tmp_path / "mosi.pkl"
    f.write_bytes(pickle.dumps(_affect())[:50])
    with pytest.raises(ValueError, match=r"cannot read '.*mosi\.pkl' as a pickle \(.*truncated"):
        load_multibench_affect(f)
    f.write_bytes(b"this is not a pickle at all")
    with pytest.raises(ValueError, match=r"cannot read '.*mosi\.pkl' as a pickle"):
        load_multibench_affect(f)
    # allowed globals called with arguments that fail: still one ValueError naming the file
    for raw, err in (
        (b"c_codecs\nencode\n(S'x'\nS'nope'\ntR.", "LookupError"),
        (b"c__builtin__\nbytes\n(L" + str(2**70).encode() + b"L\ntR.", "OverflowError"),
    ):
        f.write_bytes(raw)
        with pytest.raises(ValueError, match=rf"cannot read '.*mosi\.pkl' as a pickle \({err}"):
            load_multibench_affect(f)


def test_npz_and_npy_errors_name_the_file_and_never_suggest_unpickling(tmp_path):
    f = tmp_path / "data.npz"
    np.savez(f, x_a=np.array([{"a": 1}, 2], dtype=object), y=np.array([0, 1]))
    with pytest.raises(ValueError, match=r"data\.npz' holds Python objects .* never loaded") as e:
        load_npz(f)
    assert "allow_pickle" not in str(e.value)
    f.write_bytes(b"PK\x03\x04 broken zip")
    with pytest.raises(ValueError, match=r"cannot read '.*data\.npz' as a \.npz/\.npy file"):
        load_npz(f)
    g = tmp_path / "one.npy"
    np.save(g, np.zeros(3))
    with pytest.raises(ValueError, match=r"holds one array \(\.npy\); load_npz reads a \.npz"):
        load_npz(g)
    with zipfile.ZipFile(f, "w") as z:  # a zip that is no npz
        z.writestr("y.npy", b"garbage")
    with pytest.raises(ValueError, match=r"cannot read '.*data\.npz' .*: member 'y' is not a"):
        load_npz(f)


def _avmnist(root, labels):
    (root / "image").mkdir()
    (root / "audio").mkdir()
    n = len(labels)
    np.save(root / "image" / "test_data.npy", np.zeros((n, 4)))
    np.save(root / "audio" / "test_data.npy", np.zeros((n, 2, 2)))
    np.save(root / "test_labels.npy", labels)


def test_avmnist_rejects_nan_and_object_labels(tmp_path):
    _avmnist(tmp_path, np.array([0.0, np.nan, 3.0, 2.5]))
    with pytest.raises(ValueError, match=r"has 2 labels that are NaN, infinite or not whole"):
        load_avmnist(tmp_path)
    np.save(tmp_path / "test_labels.npy", np.array([1, "x", None, 2], dtype=object))
    with pytest.raises(ValueError, match=r"test_labels\.npy' holds Python objects"):
        load_avmnist(tmp_path)
    np.save(tmp_path / "test_labels.npy", np.array([1.0, 2.0, 0.0, 9.0]))
    assert load_avmnist(tmp_path).y.tolist() == [1, 2, 0, 9]


# --------------------------------------------------------------------------------------------------
# 2. input forms


def test_continuous_1d_features_are_discretized_not_categories():
    rng = np.random.default_rng(0)
    n = 400
    y = rng.integers(0, 2, n)
    for shape in ((n,), (n, 1)):
        res = estimate(
            x1=(rng.normal(size=shape), y),
            x2=(rng.normal(size=shape), y),
            paired=(rng.normal(size=shape), rng.normal(size=shape)),
            confidence=None,
            random_state=0,
        )
        assert res.shape[0] <= 20 and res.extras["discretizers"][0] is not None
        assert res.redundancy + res.unique1 < 0.1  # independent noise: I(X1;Y) ~ 0, not 0.66
    # whole-number floats stay categories
    codes = rng.integers(0, 3, n).astype(float)
    res = estimate(x1=(codes, y), x2=(codes, y), paired=(codes, codes), confidence=None)
    assert res.shape == (3, 3, 2)
    with pytest.raises(ValueError, match=r"x1y\[0\] \(x1\) holds non-integer numbers"):
        Marginals.from_samples((rng.normal(size=n), y), (codes, y), (codes, codes))


def test_tables_or_joint_rule():
    p = CANONICAL["and"][0]
    tables = (p.sum(1), p.sum(0), p.sum(2))
    as_list = estimate(p.tolist())  # nested lists, 3-D: one joint
    assert as_list.synergy_true == pytest.approx(estimate(p).synergy_true)
    rng = np.random.default_rng(0)
    q = rng.dirichlet(np.ones(18)).reshape(3, 3, 2)  # first axis 3: still one joint
    assert estimate(q.tolist()).shape == (3, 3, 2)
    assert estimate(q.tolist()).synergy_true == pytest.approx(estimate(q).synergy_true)
    # a tuple, or a list of arrays, is three tables
    assert estimate(tables).synergy_true is None
    assert estimate(list(tables)).redundancy == pytest.approx(estimate(p).redundancy, abs=1e-6)
    ragged = [t.tolist() for t in (q.sum(1), q.sum(0), q.sum(2))]  # (3,2), (3,2), (3,3)
    assert isinstance(check_data_form(ragged), tuple)
    square = [t.tolist() for t in tables]  # three 2x2 tables as nested lists: ambiguous
    with pytest.raises(ValueError, match=r"three slices each sum to 1: pass a tuple"):
        estimate(square)
    with pytest.raises(ValueError, match=r"must hold three tables .* got 2"):
        estimate(tables[:2])
    with pytest.raises(ValueError, match=r"nested list must be a 3-D joint .* got shape \(2, 2\)"):
        estimate([[0.5, 0.0], [0.0, 0.5]])


@pytest.mark.parametrize(
    ("labels", "count"),
    [
        ([0, None, 1, None], 2),
        ([0.0, np.nan, 1.0, 1.0], 1),
        (["a", "", "b", "  "], 2),
        (["a", "nan", "NA", "b"], 2),
    ],
)
def test_missing_labels_are_counted(labels, count):
    with pytest.raises(ValueError, match=rf"y has {count} missing labels \(None, NaN"):
        check_labels(labels, name="y")


def test_label_spellings():
    assert check_labels([" 1", "1", "2 "], name="y").tolist() == ["1", "1", "2"]
    with pytest.raises(ValueError, match=r"y spells one number in two ways \('1' and '1\.0'\)"):
        check_labels(["1", "1.0", "2"], name="y")
    with pytest.raises(ValueError, match="spells one number in two ways"):
        check_labels(np.array([1, "1"], dtype=object), name="y")
    a = [0, 1] * 10
    # estimate's messages name its own arguments (x1, x2, paired), not Marginals.from_samples'
    with pytest.raises(ValueError, match=r"y \(the values of x1 and x2 together\) spells"):
        estimate(x1=(a, ["0", "1"] * 10), x2=(a, ["0.0", "1.0"] * 10), paired=(a, a))
    with pytest.raises(ValueError, match=r"x1 \(the values of x1 and paired together\) spells"):
        estimate(x1=(a, a), x2=(a, a), paired=(["0.0", "1.0"] * 10, a))
    with pytest.raises(ValueError, match=r"^paired: x1 has 20 samples but x2 has 19$"):
        estimate(x1=(a, a), x2=(a, a), paired=(a, a[1:]))
    with pytest.raises(ValueError, match=r"^x2\[0\] \(x2\) has 1 missing labels"):
        estimate(x1=(a, a), x2=([None] + a[1:], a), paired=(a, a))
    big = [2**63, 2**63 + 1]  # distinct integers that float64 cannot tell apart
    for col in (np.array(big, dtype=np.uint64), big, [str(v) for v in big]):
        check_spellings(col, name="x1")
    with pytest.raises(ValueError, match=r"spells one number in two ways \('1000' and '1e3'\)"):
        check_spellings(["1000", "1e3"], name="x1")
    with pytest.raises(ValueError, match=r"y holds non-integer numbers \(e\.g\. 0\.5\)"):
        check_labels([0.5, 1.0], name="y")


def test_posteriors_must_have_one_row_per_paired_sample():
    a, y = [0, 1] * 10, [0, 1, 1, 0] * 5
    f = np.full((10, 2), 0.5)
    with pytest.raises(ValueError, match=r"posteriors\[0\] has 10 rows but 20 paired samples"):
        estimate(x1=(a, y), x2=(a, y), paired=(a, a), posteriors=(f, f), confidence=None)
    g = np.full((20, 2), 0.5)
    with pytest.raises(ValueError, match=r"posteriors\[1\] has 10 rows but 20 paired"):
        estimate(x1=(a, y), x2=(a, y), paired=(a, a), posteriors=(g, f), confidence=None)
    with pytest.raises(ValueError, match=r"f is empty \(shape \(0, 2\)\)"):
        check_posteriors(np.zeros((0, 2)), name="f")


def test_overflowing_counts():
    p = np.zeros((2, 2, 2))
    p[0, 0, 0] = p[1, 1, 1] = 1e308
    res = estimate(p, options={"normalize": True})
    assert res.redundancy == pytest.approx(1.0)  # the copy joint, not an all-zero PID
    with pytest.raises(ValueError, match=r"data contains 0 NaN|must sum to 1|sums to inf"):
        estimate(p)


def test_python_ints_beyond_float64_are_named():
    # they raised a bare OverflowError ("int too large to convert to float"); a Decimal beyond
    # float64 was already refused by name (it becomes inf)
    big = [[[10**400, 1], [1, 1]], [[1, 1], [1, 1]]]
    with pytest.raises(ValueError, match=r"data holds a number too large for float64 .*divide"):
        estimate(big, options={"normalize": True})
    with pytest.raises(ValueError, match=r"p holds a number too large for float64"):
        mmbounds.entropy([10**400, 1], normalize=True)
    with pytest.raises(ValueError, match=r"p holds a number too large for float64"):
        mmbounds.pid(np.array(big, dtype=object), normalize=True)
    with pytest.raises(ValueError, match=r"f holds a number too large for float64"):
        check_posteriors([[10**400, 1]], name="f")
    with pytest.raises(ValueError, match=r"p_x1y holds a number too large for float64"):
        estimate(([[10**400, 1]], [[1, 1]], [[1]]), options={"normalize": True})


def test_complex_and_masked_arrays_are_rejected_by_every_check():
    c = np.array([[0.5, 0.5j]])
    m = np.ma.masked_array([[0.5, 0.5]], mask=[[False, True]])
    for check, kw in (
        (check_table, {"ndim": None}),
        (check_posteriors, {}),
        (check_features, {}),
    ):
        with pytest.raises(TypeError, match=r"x has complex values; pass real numbers"):
            check(c, name="x", **kw)
        with pytest.raises(ValueError, match=r"x has 1 masked entries; fill or drop them"):
            check(m, name="x", **kw)
    with pytest.raises(TypeError, match="y has complex values"):
        check_labels(np.array([1, 1j]), name="y")
    with pytest.raises(ValueError, match="y has 1 masked entries"):
        check_labels(np.ma.masked_array([0, 1], mask=[True, False]), name="y")
    with pytest.raises(TypeError, match="complex values"):
        check_table([[0.5, 0.5j]], name="x", ndim=None)  # nested lists too
    unmasked = np.ma.masked_array([0.5, 0.5], mask=[False, False])
    assert check_table(unmasked, name="p", ndim=1).tolist() == [0.5, 0.5]


def test_public_info_functions_validate_their_table():
    with pytest.raises(ValueError, match=r"p must sum to 1 \(got 4\)"):
        mmbounds.entropy([2, 2])
    assert mmbounds.entropy([2, 2], normalize=True) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="p has negative entries"):
        mmbounds.mutual_information([[0.6, -0.1], [0.0, 0.5]], 0, 1)
    with pytest.raises(ValueError, match=r"b == 5 is out of range for a table with 2 axes"):
        mmbounds.mutual_information([[0.5, 0.0], [0.0, 0.5]], 0, 5)
    with pytest.raises(TypeError, match="axes must hold ints"):
        mmbounds.entropy([0.5, 0.5], axes=("x",))
    # numpy axes: np.int64(1) raised "truth value of an empty array is ambiguous", an array of
    # axes a broadcast error
    uniform = np.full((2, 2, 2), 1 / 8)
    assert mmbounds.entropy(uniform, np.int64(1)) == pytest.approx(1.0)
    assert mmbounds.entropy(uniform, np.array([0, 1])) == pytest.approx(2.0)
    assert mmbounds.entropy(uniform, np.array([], dtype=int)) == 0.0
    assert mmbounds.mutual_information(CANONICAL["xor"][0], np.array([0, 1]), np.int64(2)) == (
        pytest.approx(1.0)
    )
    # normalize is a flag, as in Options: a truthy string read as True
    with pytest.raises(TypeError, match="normalize must be True or False, got 'no'"):
        mmbounds.entropy([1, 1], normalize="no")
    with pytest.raises(TypeError, match="normalize must be True or False, got 1"):
        mmbounds.pid(uniform * 8, normalize=1)
    with pytest.raises(TypeError, match="normalize must be True or False, got 'yes'"):
        estimate(uniform, options={"normalize": "yes"})
    assert mmbounds.entropy([1, 1], normalize=np.True_) == pytest.approx(1.0)
    opts = mmbounds.Options(normalize=np.True_, reconcile=np.False_)
    # stored as Python bools: an np.bool_ in the options would reach records and JSON
    assert opts.normalize is True and opts.reconcile is False
    with pytest.raises(TypeError, match="allow_pickle must be True or False, got 1"):
        mmbounds.data.load_multibench_affect("x.pkl", allow_pickle=1)
    with pytest.raises(ValueError, match="p must have 3 axes"):
        mmbounds.co_information([[0.5, 0.0], [0.0, 0.5]])
    assert mmbounds.conditional_mutual_information(CANONICAL["xor"][0], 0, 2, 1) == pytest.approx(1)


def test_performance_bounds_validate_their_arguments():
    res = estimate(CANONICAL["xor"][0])
    with pytest.raises(ValueError, match="min_gain == nan, must be finite"):
        performance_bounds(res, min_gain=np.nan)
    with pytest.raises(ValueError, match=r"confidence == 1.5, must be < 1"):
        performance_bounds(res, confidence=1.5)
    with pytest.raises(TypeError, match=r"max_nodes must be Integral, got str"):
        performance_bounds(res, max_nodes="a")


# --------------------------------------------------------------------------------------------------
# 3. errors of the dependencies become clear ones


def test_bad_arguments_are_named_at_entry():
    p = CANONICAL["and"][0]
    with pytest.raises(TypeError, match=r"bounds must be 'auto', 'all', a bound name .* got 5"):
        estimate(p, bounds=5)
    with pytest.raises(ValueError, match=r"device == 'banana', must be a torch device such as"):
        estimate(p, options={"device": "banana"})
    with pytest.raises(TypeError, match=r"device must be None, a str"):
        estimate(p, options={"device": 1.5})
    with pytest.raises(ValueError, match=r"n_jobs == 0"):
        estimate(p, options={"n_jobs": 0})


def _holds_float64(device):
    import torch

    try:
        torch.zeros(1, dtype=torch.float64, device=device)
    except Exception:
        return False
    return True


@pytest.mark.parametrize(
    "device", [0, "mps", "xpu", "hip", "npu", "privateuseone", "xla", "mtia", "hpu", "cuda:99"]
)
def test_devices_torch_cannot_use_are_named_at_entry(device):
    # they passed the Options check and then failed inside torch (RuntimeError, AssertionError,
    # ModuleNotFoundError); pid did not check device at all
    torch = pytest.importorskip("torch")
    try:
        usable = _holds_float64(torch.device(device))
    except RuntimeError:  # torch does not parse it
        usable = False
    if usable:
        pytest.skip(f"torch holds float64 numbers on {device!r} here")
    p = CANONICAL["xor"][0]
    with pytest.raises(ValueError, match=rf"device ?==? ?{device!r}[,:] .*'cpu'"):
        estimate(p, options={"device": device})
    with pytest.raises(ValueError, match=rf"device ?==? ?{device!r}[,:] .*'cpu'"):
        mmbounds.pid(p, device=device)


def test_meta_and_malformed_devices_are_refused_by_options_and_pid():
    pytest.importorskip("torch")
    p = CANONICAL["xor"][0]
    with pytest.raises(ValueError, match=r"device == 'meta': meta tensors hold no numbers"):
        estimate(p, options={"device": "meta"})
    with pytest.raises(ValueError, match=r"device == 'meta': meta tensors hold no numbers"):
        mmbounds.pid(p, device="meta")
    with pytest.raises(ValueError, match=r"device == 'gpu', must be a torch device such as"):
        mmbounds.pid(p, device="gpu")
    with pytest.raises(TypeError, match=r"device must be None, a str .* got float \(3.5\)"):
        mmbounds.pid(p, device=3.5)
    with pytest.raises(ValueError, match=r"backend must be one of 'auto', 'numpy', 'torch'"):
        mmbounds.pid(p, backend="gpu")
    assert mmbounds.pid(p, device="cpu").synergy == pytest.approx(1.0, abs=1e-6)


def test_sources_that_are_not_pairs_are_named_before_any_use():
    x = np.array([0, 1, 0, 1])
    good = (x, x.copy())
    for bad, got in (({"X": x, "y": x}, "dict"), ((v for v in good), "generator"), ((x,), "of 1")):
        with pytest.raises(
            TypeError, match=rf"x1 must be a pair of arrays x1=\(X, y\), got .*{got}"
        ):
            estimate(x1=bad, x2=good, paired=good)
        with pytest.raises(TypeError, match=r"paired must be a pair of arrays paired=\(X1u, X2u\)"):
            estimate(x1=good, x2=good, paired=bad)


def test_labels_of_mixed_unsortable_types_are_counted():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), rng.integers(0, 2, 60)
    mixed = np.array([1, "a"], dtype=object)[y]  # hashable, distinct, not sortable together
    src = {"x2": (X[::-1].copy(), mixed.copy()), "paired": (X.copy(), X[::-1].copy())}
    res = estimate(x1=(X, mixed), **src, confidence=None, random_state=0)
    ref = estimate(
        x1=(X, y),
        x2=(src["x2"][0], y.copy()),
        paired=src["paired"],
        confidence=None,
        random_state=0,
    )
    assert res.marginals.categories[2] == (1, "a")
    assert res.extras["miller_madow"] == ref.extras["miller_madow"]
    assert (res.redundancy, res.synergy_upper) == (ref.redundancy, ref.synergy_upper)
    with pytest.raises(TypeError, match=r"x1\[1\], x2\[1\] \(labels\) mix values that cannot be"):
        estimate(x1=(X, mixed), **src, classifier="empirical", confidence=None)


def test_a_clusterer_is_not_a_discretizer():
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), np.arange(60) % 2
    with pytest.raises(TypeError, match=r"modality 1 is a KMeans, a clusterer: .* Discretizer"):
        estimate(x1=(X, y), x2=(X, y), paired=(X, X), discretizer=KMeans(3), confidence=None)

    class Distances:  # a transform that gives no codes
        def fit(self, X):
            return self

        def transform(self, X):
            return np.zeros((len(X), 2))

    with pytest.raises(TypeError, match=r"Distances\.transform\(\) returned shape \(60, 2\)"):
        estimate(x1=(X, y), x2=(X, y), paired=(X, X), discretizer=Distances(), confidence=None)


def test_pickle_loader_is_not_reachable_through_os_in_a_refused_file(tmp_path):
    """A refused global is never imported: ``os.system`` in the file does not run."""
    marker = tmp_path / "ran"

    class _System:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    f = tmp_path / "mosei.pkl"
    f.write_bytes(pickle.dumps({"test": _System()}))
    with pytest.raises(ValueError, match=r"refers to (posix|nt|os)\.system"):
        load_multibench_affect(f)
    assert not marker.exists()


def test_affect_labels_must_be_numbers(tmp_path):
    content = _affect()
    content["test"] = dict(content["test"], labels=np.array(["pos", "neg"] * 3))
    f = tmp_path / "mosi.pkl"
    f.write_bytes(pickle.dumps(content))
    with pytest.raises(ValueError, match=r"labels of split 'test' of .* must be numbers"):
        load_multibench_affect(f)


def test_the_host_device_needs_no_torch():
    # device="cpu" with the numpy backend (or the cvxpy solver) never touches torch: refusing
    # it with "needs torch" on a machine without torch was a regression of the device check
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import numpy as np, mmbounds\n"
        "print(mmbounds.Options(backend='numpy', device='cpu').device)\n"
        "p = np.zeros((2, 2, 2)); p[0, 0, 0] = p[0, 1, 1] = p[1, 0, 1] = p[1, 1, 0] = 0.25\n"
        "print(round(mmbounds.pid(p, backend='numpy', device='cpu').synergy, 6))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["cpu", "1.0"]


def test_float8_tensors_are_refused_as_too_coarse():
    # their epsilon (0.25, 0.125) made the sum tolerance 4 eps accept a table summing to 1.75
    torch = pytest.importorskip("torch")
    t = (torch.full((2, 2, 2), 1 / 8) * 1.75).to(torch.float8_e5m2)
    with pytest.raises(TypeError, match=r"float8_e5m2 are too coarse .* \.to\(torch\.float32\)"):
        estimate(t)
