"""
From samples to the population
==============================

A population close to the AND gate (a fifth of its mass spread uniformly) and three independent
samples of it: ``D1 = (x1, y)``, ``D2 = (x2, y)`` and unlabeled pairs ``DM = (x1, x2)``. The
bounds computed from the sample tables are not population bounds; ``result.inference`` gives
confidence intervals for the population values with a verdict each. The plot compares them with
the exact values of the population.
"""

import matplotlib.pyplot as plt
import numpy as np

import mmbounds
from mmbounds.data import sample_joint

both = np.zeros((2, 2, 2))
for a in (0, 1):
    for b in (0, 1):
        both[a, b, a & b] = 0.25
population = 0.8 * both + 0.2 / 8
truth = mmbounds.pid(population)
print("population:", truth)

x1, _, y1 = sample_joint(population, 400, random_state=1)
_, x2, y2 = sample_joint(population, 400, random_state=2)
u1, u2, _ = sample_joint(population, 400, random_state=3)
res = mmbounds.estimate(
    x1=(x1, y1), x2=(x2, y2), paired=(u1, u2), random_state=0, options={"n_resamples": 30}
)
print(res.inference)

# %%
# The intervals against the population values.
names = ["redundancy", "unique1", "unique2", "synergy"]
true = [truth.redundancy, truth.unique1, truth.unique2, truth.synergy]
ivs = [res.inference[n] for n in names]
fig, ax = plt.subplots(figsize=(6, 3))
mmbounds.plotting.plot_bootstrap_intervals(
    names,
    [iv.estimate for iv in ivs],
    [iv.low for iv in ivs],
    [iv.high for iv in ivs],
    confidence=res.inference.confidence,
    ax=ax,
)
rows = np.arange(len(names))[::-1]  # the first name is the top row
ax.scatter(true, rows, marker="x", color="black", zorder=3, label="population value")
ax.legend(loc="upper right", fontsize="small")
fig.tight_layout()
