"""
Continuous features and the number of clusters
==============================================

Continuous modalities are discretized per modality before the tables are counted. The number of
clusters is a modelling choice: more clusters see more of the interaction but leave fewer
samples per cell. ``sweep_clusters`` re-runs the estimate for several counts; with labeled
multimodal data (here available, because the data are synthetic) it adds the true synergy of the
discretized joint, which must lie inside the bounds.
"""

import matplotlib.pyplot as plt

from mmbounds.data import make_pid_synthetic
from mmbounds.inference import sweep_clusters

data = make_pid_synthetic("synergy", n_samples=600, dim=6, random_state=0)
x1, x2, y = data["x1"], data["x2"], data.y
sweep = sweep_clusters(
    x1=(x1, y),
    x2=(x2, y),
    paired=(x1, x2),
    n_clusters=(2, 4, 8),
    discretizer={"n_init": 1, "n_threads": 1},
    truth=(x1, x2, y),
    random_state=0,
    bounds=("synergy_lower_shared", "synergy_upper_coupling"),
)
print(sweep)

# %%
k = sweep.column("n_clusters")
fig, ax = plt.subplots(figsize=(5, 3))
ax.fill_between(k, sweep.column("S_lower"), sweep.column("S_upper"), alpha=0.3, label="bounds on S")
ax.plot(k, sweep.column("S_true"), "o-", color="black", label="true S (discretized)")
ax.set_xlabel("clusters per modality")
ax.set_ylabel("bits")
ax.set_ylim(bottom=0)
ax.legend()
fig.tight_layout()
