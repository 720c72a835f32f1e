"""gl: the Ginzburg–Landau engine — model, lattice, gauge fields, free energy, TDGL, minimization,
observables, I/O. Dimensionless GL units throughout (docs/model.md, :mod:`gl.units`).

The engine never imports the app (experiments/: command line, configs, plots) or matplotlib.
The public API is listed here; submodules hold one concern each.
"""
from . import probes, screening, sources, thinfilm
from .boundary import choose_gauge
from .driver import Checkpointer, Trajectory, evolve
from .energy import free_energy, free_energy_terms
from .errors import NonFiniteStateError, ParameterError, RunInterrupted, TimeStepError
from .gauge import (applied_link_phases, flux_quanta_in_cell, flux_through, gauge_transform, link_variables,
                    magnetic_field, plaquette_circulation, plaquette_flux, unit_field_link_phases)
from .geometry import Disk, Grid, Polygon, Rectangle, Region, Ring
from .io import load_state, save_state, write_json
from .lattice import Lattice, lattice_from_mask, make_lattice, periodic_chain, plaquette_region
from .minimize import MinimizeResult, minimize
from .model import BULK, FROZEN, PEARL, UNIFORM, BulkA, FrozenA, Model, PearlA, Schedule, make_model, schedule
from .observables import (bond_orientational_order, current_on_nodes, density, fluxoid, magnetic_moment,
                          magnetization, mean_field, periodic_winding, phase, vortex_counts, vortices,
                          vorticity)
from .operators import covariant_laplacian, supercurrent
from .pinning import pinning_landscape, square_pin_array
from .state import State, random_state, uniform_state
from .tdgl import check_time_step, rhs, run_steps, stability_limit
from .units import MATERIALS, MU0, PHI0, GLUnits, Material, material

__all__ = [
    "choose_gauge", "Checkpointer", "Trajectory", "evolve", "free_energy", "free_energy_terms", "NonFiniteStateError",
    "ParameterError", "RunInterrupted", "TimeStepError", "applied_link_phases", "flux_through", "gauge_transform",
    "link_variables", "magnetic_field", "plaquette_flux", "unit_field_link_phases", "Disk", "Grid", "Polygon",
    "Rectangle", "Region", "Ring", "load_state", "save_state", "write_json", "Lattice", "lattice_from_mask",
    "make_lattice", "plaquette_region", "MinimizeResult", "minimize", "BULK", "FROZEN", "PEARL", "UNIFORM", "BulkA", "FrozenA", "PearlA",
    "Model", "Schedule", "make_model", "schedule", "current_on_nodes", "density", "fluxoid", "magnetic_moment",
    "magnetization", "vortex_counts", "mean_field", "phase", "vortices", "vorticity", "covariant_laplacian",
    "supercurrent", "pinning_landscape", "square_pin_array", "State", "random_state", "uniform_state",
    "check_time_step", "rhs", "run_steps", "stability_limit", "MATERIALS", "MU0", "PHI0", "GLUnits", "Material",
    "material", "flux_quanta_in_cell", "plaquette_circulation", "periodic_chain", "bond_orientational_order",
    "periodic_winding", "probes", "screening", "sources", "thinfilm",
]
