"""The one glossary: every label ``repr``, the plots and the command line print, and its meaning.

``repr``, :mod:`mmbounds.plotting`, :mod:`mmbounds.figures` and :mod:`mmbounds.cli` take their
labels from :data:`TERMS` (``term(key)``), the statuses from :data:`STATUSES` and the names of the
pretraining variants from :data:`SSL_VARIANTS`; the README's glossary section is
:func:`glossary_markdown` (``tests/test_glossary.py`` keeps them equal). Bound names and their
labels are defined by the registry (:data:`mmbounds.bounds.BOUNDS`, each with a one-line note).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ._status import STATUSES, StatusMeaning, status_meaning

__all__ = [
    "Term",
    "TERMS",
    "StatusMeaning",
    "STATUSES",
    "SSL_VARIANTS",
    "term",
    "status_meaning",
    "glossary_markdown",
]


@dataclass(frozen=True, slots=True)
class Term:
    """One printed label.

    Attributes
    ----------
    label : str
        As printed.
    short : str
        The few words printed next to it (``repr`` notes, legends).
    meaning : str
        One sentence: what the number is and when to trust it.
    where : str
        Where it is printed: ``repr``, ``plots``, ``CLI`` (comma separated).
    """

    label: str
    short: str
    meaning: str
    where: str


def _t(label: str, short: str, meaning: str, where: str = "repr") -> Term:
    return Term(label, short, meaning, where)


_TERMS: dict[str, Term] = {
    # the estimate (repr rows, plots, demo table)
    "redundancy": _t(
        "R",
        "redundancy",
        "information about Y that both modalities carry (bits); exact from p(x1,y) and p(x2,y)",
        "repr, plots, CLI",
    ),
    "unique1": _t(
        "U1",
        "uniqueness of modality 1",
        "information about Y only X1 carries (bits); exact",
        "repr, plots, CLI",
    ),
    "unique2": _t(
        "U2",
        "uniqueness of modality 2",
        "information about Y only X2 carries (bits); exact",
        "repr, plots, CLI",
    ),
    "synergy_lower": _t(
        "S >=",
        "best guaranteed lower bound",
        "`synergy_lower`: the largest valid lower bound on "
        "synergy S (and at least 0) for every joint with the given marginals",
        "repr, CLI",
    ),
    "synergy_upper": _t(
        "S <=",
        "best guaranteed upper bound",
        "`synergy_upper`: the smallest valid upper bound "
        "on S for every joint with the given marginals",
        "repr, CLI",
    ),
    "guaranteed_scope": _t(
        "best guaranteed",
        "best guaranteed",
        "the tightest of the guaranteed bounds of that side; "
        "the name in parentheses is the bound that gave it (`synergy_lower_method`, "
        "`synergy_upper_method`)",
        "repr",
    ),
    "sample_scope": _t(
        "of the sample tables",
        "of the sample tables",
        "for sample input the bounds hold for "
        "the tables counted from the samples, not for the population; `inference` has intervals "
        "for the population",
        "repr, CLI",
    ),
    "synergy_true": _t(
        "S",
        "true synergy (labeled joint given)",
        "`synergy_true`: the exact S of a labeled joint "
        "p(x1,x2,y), when one was given (validation only)",
        "repr, plots",
    ),
    "synergy_true_column": _t(
        "S true", "true synergy", "the demo table's column for `synergy_true`", "CLI"
    ),
    "synergy_witness": _t(
        "S max>=",
        "synergy of a joint with these marginals",
        "`synergy_witness`: S of a joint "
        "found to have exactly the observed marginals, so the largest S they allow lies between "
        "it and `S <=`; a short distance means the upper bound is nearly tight",
    ),
    "bound_lower": _t(
        "lower",
        "a lower bound on S",
        "one row per computed lower bound, by its registry name "
        "(`mmbounds.BOUNDS`: label and note)",
        "repr, CLI",
    ),
    "bound_upper": _t(
        "upper",
        "an upper bound on S",
        "one row per computed upper bound, by its registry name",
        "repr, CLI",
    ),
    "not_guaranteed": _t(
        "[not guaranteed]",
        "not guaranteed",
        "an estimate (trained classifiers) or a bound that "
        "is not valid in general (the paper's c = 1 variant): never used for `S >=` / `S <=`",
        "repr, plots",
    ),
    "mi_x1y": _t("I(X1;Y)", "I(X1;Y)", "mutual information of modality 1 and the label (bits)"),
    "mi_x2y": _t("I(X2;Y)", "I(X2;Y)", "mutual information of modality 2 and the label (bits)"),
    "mi_x1x2": _t("I(X1;X2)", "I(X1;X2)", "mutual information of the two modalities (bits)"),
    "entropy_y": _t("H(Y)", "H(Y)", "entropy of the label (bits): R+U1+U2+S never exceeds it"),
    "max_tv": _t(
        "max TV disagreement",
        "max TV disagreement",
        "the largest total-variation distance "
        "between the single-variable marginals that two sources imply (D1 vs D2 on y, D1 vs DM "
        "on x1, D2 vs DM on x2); 0 for consistent tables",
    ),
    "unreachable": _t(
        "unreachable mass",
        "unreachable mass",
        "the largest mass one table puts on cells that no "
        "joint with the other two tables can have; positive means no joint has all three tables "
        "(they were reconciled)",
    ),
    "reconciled": _t(
        "reconciled",
        "reconciled",
        "True when the tables were replaced by the maximum-likelihood "
        "consistent triple before any bound was computed (`consistency.shift` says how far)",
    ),
    "total_time": _t(
        "total",
        "total",
        "wall time of the whole call in seconds (`timings['total']`); the other "
        "`timings` entries are its steps",
    ),
    "status": _t(
        "status",
        "status",
        "`ok`, `warning` or `degraded` (table below); `message` gives the "
        "reason, `valid` whether the numbers still hold",
        "repr, CLI",
    ),
    # population inference
    "synergy": _t(
        "S",
        "synergy (population)",
        "`inference['synergy']`: interval covering the population S "
        "itself (it covers the whole identified set [S_L, S_U])",
    ),
    "synergy_lower_end": _t(
        "S_L",
        "lower end of the identified set",
        "`inference['synergy_lower_end']`: interval for "
        "the population's smallest S compatible with its marginals",
    ),
    "synergy_upper_end": _t(
        "S_U",
        "upper end of the identified set (an upper bound on it)",
        "`inference['synergy_upper_end']`: interval for "
        "the population's best closed-form upper bound on S (the coupling bounds and "
        "H(Y)-(R+U1+U2), recomputed per resample): at least the largest S compatible with its "
        "marginals, so its upper limit bounds that S from above; that limit is at least the "
        "smallest of the upper limits (Bonferroni) of eight bounds without coupling (H(Y), "
        "H(X1,X2), I(Xi;Y)+H(Xj|Xi) minus R+U1+U2; H(Y|Xi), H(Xj|Xi)), since the coupling "
        "bounds' plug-in is biased low where S is at the top of its set. Where branch-and-bound "
        "certifies a lower bound on the sample, the lower limit comes down by the difference, "
        "so that it holds for the largest S itself, and on tables of at most 64 cells, where "
        "branch-and-bound is recomputed on 30 resamples, it is at most the lower end of that "
        "bound's own interval; where the samples cannot "
        "tell a pairwise table from the product of its margins, or two values' rows apart "
        "(ties, where sampling noise only raises the bounds), it is at most the tight bound of "
        "the tables with those ties restored, minus a margin",
    ),
    "present": _t(
        "present",
        "present",
        "the whole interval lies above `negligible` bits (at the stated confidence)",
        "repr, CLI",
    ),
    "absent": _t(
        "absent", "absent", "the whole interval lies below `negligible` bits", "repr, CLI"
    ),
    "undetermined": _t(
        "undetermined",
        "undetermined",
        "the interval straddles `negligible`: the data cannot decide",
        "repr, CLI",
    ),
    "population": _t(
        "population",
        "population",
        "rows below hold for the population behind the samples, "
        "at the stated confidence (bootstrap: asymptotic; certified: at every sample size)",
        "repr, CLI",
    ),
    # plots and figures
    "interval": _t(
        "guaranteed interval on S",
        "guaranteed interval on S",
        "the bar from `S >=` to `S <=` (population tables or a labeled joint)",
        "plots",
    ),
    "population_interval": _t(
        "population interval",
        "population interval",
        "sample input: the interval of `inference` that covers the population value at the "
        "stated confidence (bootstrap: asymptotically; certified: at every sample size)",
        "plots",
    ),
    "interval_sample": _t(
        "interval on S of the sample tables",
        "interval on S of the sample tables",
        "sample input: the bar from `S >=` to `S <=` of the tables counted from the samples; "
        "not an interval for the population (`inference` has those)",
        "plots",
    ),
    "true_marker": _t(
        "true S", "true S", "black dot: S of the labeled joint (validation data only)", "plots"
    ),
    "witness_marker": _t(
        "witness S (reachable)",
        "witness S (reachable)",
        "black cross: `S max>=`, the synergy of a joint with exactly these marginals",
        "plots",
    ),
    "vacuous": _t(
        "vacuous (< 0)",
        "vacuous (< 0)",
        "a lower bound below 0 says nothing beyond S >= 0; drawn "
        "at the axis edge so it does not stretch a non-negative axis",
        "plots",
    ),
    "identity_line": _t(
        "y = x (bound = true S)",
        "y = x (bound = true S)",
        "bounds-vs-truth plots: a valid "
        "lower bound lies on or below this line, a valid upper bound on or above it",
        "plots",
    ),
    "point_estimate": _t("estimate", "estimate", "bootstrap plots: the point estimate", "plots"),
    "upper_clipped": _t(
        "upper side > 1, clipped",
        "upper side > 1, clipped",
        "accuracy plots: the interval's upper end exceeds accuracy 1 (drawn at 1)",
        "plots",
    ),
    "guaranteed_part": _t(
        "S (guaranteed part)", "S (guaranteed part)", "stacked bars: synergy up to `S >=`", "plots"
    ),
    "up_to_upper": _t(
        "S up to its upper bound",
        "S up to its upper bound",
        "stacked bars: the rest of the interval, from `S >=` to `S <=`",
        "plots",
    ),
    "total_true": _t(
        "R+U1+U2+S (true S)",
        "R+U1+U2+S (true S)",
        "tick: I(X1,X2;Y) of the labeled joint",
        "plots",
    ),
    "bootstrap": _t(
        "bootstrap interval",
        "bootstrap interval",
        "an interval over resamples (bits): `plot_bootstrap_intervals` draws the intervals it "
        "is given; the error bars of `plot_result` are the `n_bootstrap` percentile intervals of "
        "the sample-table values, not bias-corrected and not for the population (`inference`)",
        "plots",
    ),
    "accuracy_interval": _t(
        "predicted interval (no multimodal labels)",
        "predicted interval (no multimodal labels)",
        "accuracy of the best multimodal classifier implied by the information interval "
        "(`mmbounds.performance_bounds`)",
        "plots",
    ),
    "majority": _t(
        "majority class",
        "majority class",
        "accuracy of always predicting the commonest label",
        "plots",
    ),
    "best_unimodal": _t(
        "best unimodal (measured)",
        "best unimodal (measured)",
        "test accuracy of the better unimodal classifier",
        "plots",
    ),
    "multimodal": _t(
        "multimodal model (measured)",
        "multimodal model (measured)",
        "test accuracy of a trained multimodal classifier",
        "plots",
    ),
    # command line: CSV columns
    "csv_scope": _t(
        "scope",
        "scope",
        "CSV column: `tables`, `sample tables` or `population (level mode)`",
        "CLI",
    ),
    "csv_valid": _t(
        "valid",
        "valid",
        "CSV `status` row / JSON key: whether the numbers still hold (see the status table)",
        "CLI",
    ),
    "csv_note": _t(
        "note", "note", "CSV column: the bound's note, the status' meaning or the message", "CLI"
    ),
}
TERMS: Mapping[str, Term] = MappingProxyType(_TERMS)
"""Every printed label by key."""


SSL_VARIANTS: Mapping[str, str] = MappingProxyType(
    {
        "fusion": "product of the unimodal posteriors f1, f2 (no multimodal labels)",
        "probe_posteriors": "linear probe on [log f1, log f2]",
        "probe_raw": "linear probe on the raw features [x1, x2]",
        "probe_raw2": "linear probe on raw second-order features [x1, x2, x1 x2]",
        "random_encoder": "random encoder of the same architecture, not pretrained, + probe",
        "contrastive": "InfoNCE encoder (agreement only) + probe",
        "ae_tensor": "autoencoder + tensor-fusion probe",
        "nce_recon": "InfoNCE + reconstruction encoder + probe",
        "combined": "InfoNCE and pair matching weighted by unimodal disagreement, "
        "+ reconstruction and distillation, + probe",
        "pseudo": "pseudo-labels on DM from the fused posterior + probe",
        "head": "the routed recipe's head alone (no routing)",
        "routed": "agreement-routed recipe: fused class where f1, f2 confidently agree, "
        "labels spent and a second-order head elsewhere",
        "routed_shuffled": "control: routed with the agreement mask shuffled",
        "routed_inverted": "control: routed with the agreement mask inverted",
        "routed_random_labels": "control: routed with labels spent on random pairs",
    }
)
"""The pretraining variants of the SSL figure (``benchmarks/ssl_pretraining.py``)."""


def term(key: str) -> str:
    """The printed label of ``key``.

    Parameters
    ----------
    key : str
        A key of :data:`TERMS`.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        If ``key`` is not in the glossary.

    Examples
    --------
    >>> term("synergy_witness"), term("unreachable")
    ('S max>=', 'unreachable mass')
    """
    return _TERMS[key].label


def glossary_markdown() -> str:
    """The README's glossary section (Markdown tables of labels, statuses and SSL variants).

    Returns
    -------
    str

    Examples
    --------
    >>> "| `S max>=` |" in glossary_markdown()
    True
    """
    lines = ["| label | where | meaning |", "|---|---|---|"]
    lines += [f"| `{t.label}` | {t.where} | {t.meaning} |" for t in _TERMS.values()]
    lines += ["", "| status | numbers valid | meaning |", "|---|---|---|"]
    valid = {True: "yes", False: "no", None: "see `valid`"}
    lines += [f"| `{k}` | {valid[s.valid]} | {s.meaning} |" for k, s in STATUSES.items()]
    lines += ["", "| SSL variant | meaning |", "|---|---|"]
    lines += [f"| `{k}` | {v} |" for k, v in SSL_VARIANTS.items()]
    return "\n".join(lines) + "\n"
