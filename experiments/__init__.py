"""Experiments runnable as ``glsim run NAME``: one module per reproducible figure or study.

Each module defines ``NAME``, ``DESCRIPTION``, a ``Config`` dataclass with an embedded default and
``run(config, out_dir, resume=False, progress=True) -> dict`` (the summary).
"""
from __future__ import annotations

import importlib

_MODULES = {
    "vortex-film": "experiments.vortex_film",
    "meissner": "experiments.meissner",
    "ring-fluxoid": "experiments.ring_fluxoid",
    "vortex": "experiments.vortex",
    "depairing": "experiments.depairing",
    "vortex-lattice": "experiments.vortex_lattice",
    "landau-levels": "experiments.landau_levels",
    "aharonov-bohm-ring": "experiments.aharonov_bohm_ring",
    "mqm-invariants": "experiments.mqm_invariants",
    "london-from-psi": "experiments.london_from_psi",
    "larmor-diamagnetism": "experiments.larmor_diamagnetism",
    "pinning": "experiments.pinning",
    "hirsch-electrodynamics": "experiments.hirsch_electrodynamics",
    "kinetic-meissner": "experiments.kinetic_meissner",
    "squid-susceptometry": "experiments.squid_susceptometry",
}

DEFAULT_EXPERIMENT = "vortex-film"


def names() -> list[str]:
    """Names of the available experiments."""
    return sorted(_MODULES)


def get(name: str):
    """The experiment module called ``name``.

    Raises:
        gl.errors.ParameterError: for an unknown name, listing the known ones.
    """
    from gl.errors import ParameterError

    if name not in _MODULES:
        raise ParameterError(f"parameter 'EXPERIMENT' = {name!r} is unknown: allowed {names()}")
    return importlib.import_module(_MODULES[name])
