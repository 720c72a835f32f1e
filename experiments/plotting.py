"""Figures a physicist would show: |ψ|² with vortex markers, phase, B_z, current streamlines,
and the free energy during relaxation. All take numpy-convertible arrays in GL units (ξ, B_c2,
J0) and write PNG files.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from gl.lattice import Lattice  # noqa: E402


def _extent(lat: Lattice):
    x, y = lat.grid.x(), lat.grid.y()
    return [x[0] - lat.hx / 2, x[-1] + lat.hx / 2, y[0] - lat.hy / 2, y[-1] + lat.hy / 2]


def _image(ax, data, lat, cmap, label, mask=None, **kw):
    d = np.asarray(data, dtype=float).T
    if mask is not None:
        d = np.ma.masked_where(np.asarray(mask).T == 0, d)
    im = ax.imshow(d, origin="lower", extent=_extent(lat), cmap=cmap, interpolation="nearest", **kw)
    ax.set_xlabel("x / ξ")
    ax.set_ylabel("y / ξ")
    ax.set_aspect("equal")
    plt.colorbar(im, ax=ax, label=label, shrink=0.85)
    return im


def save_figure(fig, path) -> Path:
    """Lay out, write ``fig`` as PNG to ``path`` (folders created) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plot_density(psi, lat: Lattice, vortices: dict | None, path, title: str = "") -> Path:
    """|ψ|² map with vortices (▲ winding +1, ▼ −1) marked at their plaquettes."""
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    _image(ax, np.abs(np.asarray(psi)) ** 2, lat, "viridis", "|ψ|²", vmin=0, vmax=1)
    if vortices is not None and len(vortices["x"]):
        q = np.asarray(vortices["charge"])
        ax.scatter(vortices["x"][q > 0], vortices["y"][q > 0], marker="^", s=22, facecolors="none",
                   edgecolors="red", linewidths=1.0, label=f"vortex ({int(q[q > 0].sum())})")
        if np.any(q < 0):
            ax.scatter(vortices["x"][q < 0], vortices["y"][q < 0], marker="v", s=22, facecolors="none",
                       edgecolors="white", linewidths=1.0, label=f"antivortex ({int(-q[q < 0].sum())})")
        ax.legend(loc="upper right", fontsize=8, framealpha=0.7)
    ax.set_title(title or "superfluid density |ψ|²")
    return save_figure(fig, path)


def plot_phase(psi, lat: Lattice, path, title: str = "") -> Path:
    """Phase of ψ (cyclic colour map), masked off the material."""
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    _image(ax, np.angle(np.asarray(psi)), lat, "twilight", "arg ψ [rad]", mask=lat.site, vmin=-np.pi, vmax=np.pi)
    ax.set_title(title or "phase of ψ")
    return save_figure(fig, path)


def plot_field(bz, lat: Lattice, path, title: str = "") -> Path:
    """B_z on plaquettes [B_c2]."""
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    _image(ax, bz, lat, "magma", "B_z / B_c2", mask=lat.plaquette)
    ax.set_title(title or "magnetic field B_z")
    return save_figure(fig, path)


def plot_currents(jx, jy, lat: Lattice, path, title: str = "") -> Path:
    """Supercurrent streamlines over |J| (node-averaged) [J0]."""
    jx, jy = np.asarray(jx), np.asarray(jy)
    mag = np.hypot(jx, jy)
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    _image(ax, mag, lat, "inferno", "|J_s| / J0", mask=lat.site)
    ax.streamplot(lat.grid.x(), lat.grid.y(), jx.T, jy.T, color="white", density=1.6, linewidth=0.6, arrowsize=0.6)
    ax.set_xlim(_extent(lat)[:2])
    ax.set_ylim(_extent(lat)[2:])
    ax.set_title(title or "supercurrent")
    return save_figure(fig, path)


def plot_history(time, energy, path, title: str = "") -> Path:
    """Free energy against time during TDGL relaxation."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(np.asarray(time), np.asarray(energy), "-", lw=1.2)
    ax.set_xlabel("t / t0")
    ax.set_ylabel("F / (B_c² ξ² d / μ0)")
    ax.set_title(title or "free energy during relaxation")
    ax.grid(alpha=0.3)
    return save_figure(fig, path)
