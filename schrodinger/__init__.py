"""The macroscopic wavefunction Ψ in vector and scalar potentials (linear Schrödinger dynamics).

Placeholder package: the lattice Hamiltonian, unitary time evolution and London physics derived
from Ψ arrive with their own issue, reusing the lattice and link variables of :mod:`gl`.
"""

__all__: list[str] = []
