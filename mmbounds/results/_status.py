"""A result's status in words, and the one StatusWarning per result that is not ok."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ..exceptions import DegradedWarning, StatusWarning

__all__ = [
    "StatusMeaning",
    "STATUSES",
    "status_meaning",
    "validity_text",
    "status_text",
    "warn_status",
]


@dataclass(frozen=True, slots=True)
class StatusMeaning:
    """What a status says.

    Attributes
    ----------
    valid : bool or None
        Whether the reported numbers still hold: True always, None when it depends on the reason
        (the result's ``valid`` says).
    meaning : str
        One sentence.
    """

    valid: bool | None
    meaning: str


STATUSES: Mapping[str, StatusMeaning] = MappingProxyType(
    {
        "ok": StatusMeaning(
            True,
            "every solver converged and certified its value: R, U1, U2 to the solver "
            "tolerance and every guaranteed bound proven",
        ),
        "warning": StatusMeaning(
            True,
            "a solver stopped before its tolerance (or a time budget made a search depend "
            "on timing); its bound is still certified, only possibly looser: the numbers remain "
            "valid",
        ),
        "degraded": StatusMeaning(
            None,
            "a solver failed and a coarser valid bound took its place, or a value had to be "
            "repaired beyond rounding: the guaranteed bounds on S still hold; `valid` is False "
            "when R, U1, U2 could not be certified",
        ),
    }
)
"""The statuses of a result and whether its numbers remain valid under each."""


def status_meaning(status: str) -> StatusMeaning:
    """What ``status`` (``"ok"``, ``"warning"``, ``"degraded"``) means.

    Parameters
    ----------
    status : str

    Returns
    -------
    StatusMeaning

    Examples
    --------
    >>> status_meaning("warning").valid
    True
    """
    if status not in STATUSES:
        raise KeyError(f"unknown status {status!r}; one of {list(STATUSES)}")
    return STATUSES[status]


def validity_text(status: str, valid: bool) -> str:
    """Whether the numbers of a result with ``status`` remain valid, in words.

    Parameters
    ----------
    status : str
        ``"ok"``, ``"warning"`` or ``"degraded"``.
    valid : bool
        The result's ``valid``.

    Returns
    -------
    str

    Examples
    --------
    >>> validity_text("warning", True)
    'the numbers remain valid (certified), possibly looser'
    """
    status_meaning(status)  # a known status
    if not valid:
        return (
            "R, U1 and U2 are not certified (treat them as estimates); the bounds on S hold for "
            "the values reported"
        )
    if status == "degraded":
        return "the numbers remain valid: a coarser certified bound took the failed one's place"
    if status == "warning":
        return "the numbers remain valid (certified), possibly looser"
    return "the numbers are certified"


def status_text(status: str, message: str, valid: bool) -> str:
    """One line: the status, its reason and whether the numbers remain valid.

    Parameters
    ----------
    status, message : str
        The result's ``status`` and ``message`` (the reason).
    valid : bool
        The result's ``valid``.

    Returns
    -------
    str

    Examples
    --------
    >>> status_text("warning", "maxent: max_iter (residual 6.40e-06)", True).split("; ")
    ["status 'warning': maxent: max_iter (residual 6.40e-06)", 'the numbers remain valid \
(certified), possibly looser']
    """
    reason = message or status_meaning(status).meaning
    return f"status {status!r}: {reason}; {validity_text(status, valid)}"


def _remedy(message: str) -> str:
    if "time_budget_s" in message:
        return "leave time_budget_s unset for results that do not depend on timing"
    if "no witness" in message:
        return (
            "none needed for the bounds (the coupling bound took the search's place); a witness "
            "may come back with other marginals (e.g. merging rare values); result.message and "
            "result.solver_info have the details"
        )
    return (
        "raise options max_iter (or loosen tol), or try options={'solver': 'cvxpy'}; "
        "result.message and result.solver_info have the details"
    )


def warn_status(status: str, message: str, valid: bool, *, what: str, stacklevel: int = 3) -> None:
    """Warn :class:`StatusWarning` (:class:`DegradedWarning` when degraded) unless ``status`` is ok.

    Parameters
    ----------
    status, message : str
        The result's ``status`` and ``message``.
    valid : bool
        The result's ``valid``.
    what : str
        The function that made the result (starts the message).
    stacklevel : int
        Passed to :func:`warnings.warn`.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_status("warning", "ipf: max_iter (residual 1.0e-06)", True, what="estimate")
    >>> caught[0].category.__name__
    'StatusWarning'
    """
    if status == "ok":
        return
    category = DegradedWarning if status == "degraded" else StatusWarning
    warnings.warn(
        f"{what}: {status_text(status, message, valid)}. Remedy: {_remedy(message)}",
        category,
        stacklevel=stacklevel,
    )
