"""schrodinger: the macroscopic wavefunction Ψ of a charged particle (or of the superelectron
fluid) in vector and scalar potentials, on the gauge-invariant lattice of :mod:`gl`.

Units: see :mod:`schrodinger.units` (ħ = m = |q| = 1 inside; :class:`Particle` converts SI).
"""
from .dynamics import crank_nicolson_step, evolve, imaginary_time
from .eigen import lowest_eigenpairs
from .hamiltonian import Potentials, apply_hamiltonian, dense_hamiltonian
from .observables import (canonical_angular_momentum, continuity_residual, current, density, divergence, energy,
                          kinetic_energy, magnetic_moment, mechanical_angular_momentum, norm, position_moments,
                          potential_energy)
from .units import HBAR, Particle, cooper_pair, electron

__all__ = ["crank_nicolson_step", "evolve", "imaginary_time", "lowest_eigenpairs", "Potentials",
           "apply_hamiltonian", "dense_hamiltonian", "continuity_residual", "current", "density", "divergence",
           "energy", "magnetic_moment", "norm", "kinetic_energy", "canonical_angular_momentum",
           "mechanical_angular_momentum", "position_moments", "potential_energy", "HBAR", "Particle",
           "cooper_pair", "electron"]
