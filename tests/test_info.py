import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmbounds.info import (
    co_information,
    conditional_mutual_information,
    entropy,
    mutual_information,
)

from .conftest import CANONICAL


def test_entropy_uniform_and_zero_cells():
    assert entropy(np.full(8, 1 / 8)) == pytest.approx(3.0)
    p = np.array([0.5, 0.0, 0.5, 0.0])
    assert entropy(p) == pytest.approx(1.0)
    assert np.isfinite(entropy(np.array([1.0, 0.0])))
    assert entropy(np.array([1.0, 0.0])) == 0.0


def test_axis_order_and_marginals():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(24)).reshape(2, 3, 4)
    q = np.transpose(p, (2, 0, 1))
    assert mutual_information(p, 0, 2) == pytest.approx(mutual_information(q, 1, 0))
    assert conditional_mutual_information(p, 0, 1, 2) == pytest.approx(
        conditional_mutual_information(q, 1, 2, 0)
    )
    assert entropy(p, (0, 1)) == pytest.approx(entropy(p.sum(axis=2)))


def test_xor_and_copy_values():
    xor = CANONICAL["xor"][0]
    assert mutual_information(xor, 0, 2) == pytest.approx(0.0, abs=1e-12)
    assert mutual_information(xor, (0, 1), 2) == pytest.approx(1.0)
    assert co_information(xor) == pytest.approx(-1.0)
    assert co_information(CANONICAL["redundant"][0]) == pytest.approx(1.0)


@settings(deadline=None, max_examples=50)
@given(st.integers(0, 10_000), st.floats(0.05, 2.0))
def test_chain_rule_and_nonnegativity(seed, alpha):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(alpha * np.ones(27)).reshape(3, 3, 3)
    with np.errstate(all="raise"):
        i_joint = mutual_information(p, (0, 1), 2)
        chain = mutual_information(p, 0, 2) + conditional_mutual_information(p, 1, 2, 0)
    assert i_joint == pytest.approx(chain, abs=1e-10)
    assert conditional_mutual_information(p, 0, 1, 2) >= -1e-12
    assert entropy(p) <= np.log2(27) + 1e-12
