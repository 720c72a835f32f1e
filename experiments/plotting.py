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


def field_limits(b, floor: float = 1e-3) -> tuple[float, float, bool]:
    """Colour range (low, high, flat) of a field map: its min and max, or, when it is uniform to
    round-off (relative spread ≤ 1e-9: A frozen), ±5 % about its mean (at least ± ``floor``) so
    that round-off noise is never stretched over the colour map."""
    b = np.asarray(b, dtype=float)
    lo, hi, mean = float(np.min(b)), float(np.max(b)), float(np.mean(b))
    if hi - lo <= 1e-9 * max(abs(mean), 1e-12):
        pad = max(0.05 * abs(mean), floor)
        return mean - pad, mean + pad, True
    return lo, hi, False


def plot_field(bz, lat: Lattice, path, title: str = "", bc2_mT: float | None = None, note: str = "") -> Path:
    """B_z on plaquettes: an (nx − 1, ny − 1) array of the box's plaquettes (or (nx, ny) with the
    outside ones masked), in mT when ``bc2_mT`` (B_c2 in mT) is given, else in B_c2.

    A field that is uniform to round-off (A frozen) is drawn flat with a colour range of ±5 % about
    its value, never stretched over round-off noise; ``note`` is written on the map."""
    b = np.asarray(bz, dtype=float) * (bc2_mT if bc2_mT else 1.0)
    label = "B_z [mT]" if bc2_mT else "B_z / B_c2"
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    x, y = lat.grid.x(), lat.grid.y()
    if b.shape == (lat.grid.nx - 1, lat.grid.ny - 1):
        extent, data = [x[0], x[-1], y[0], y[-1]], b.T
    else:
        extent = _extent(lat)
        data = np.ma.masked_where(np.asarray(lat.plaquette).T == 0, b.T)
    lo, hi, flat = field_limits(b, floor=1e-3 * (bc2_mT or 1.0))
    mean = float(np.mean(b))
    im = ax.imshow(data, origin="lower", extent=extent, cmap="magma", interpolation="nearest", vmin=lo, vmax=hi)
    ax.set_xlabel("x / ξ")
    ax.set_ylabel("y / ξ")
    ax.set_aspect("equal")
    cb = plt.colorbar(im, ax=ax, label=label, shrink=0.85)
    cb.ax.ticklabel_format(useOffset=False)
    if flat or note:
        text = (note + "\n" if note else "") + (f"uniform: B_z = {mean:.4g} {'mT' if bc2_mT else 'B_c2'}" if flat else "")
        ax.text(0.5, 0.5, text.strip(), transform=ax.transAxes, ha="center", va="center", fontsize=9,
                color="white", bbox=dict(facecolor="black", alpha=0.5, edgecolor="none"))
    ax.set_title(title or "magnetic field B_z")
    return save_figure(fig, path)


def plot_currents(jx, jy, lat: Lattice, path, title: str = "") -> Path:
    """Supercurrent streamlines over |J| (node-averaged) [J0]."""
    jx, jy = np.asarray(jx), np.asarray(jy)
    mag = np.hypot(jx, jy)
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    _image(ax, mag, lat, "inferno", "|J_s| / J0", mask=lat.site)
    ax.streamplot(lat.grid.x(), lat.grid.y(), jx.T, jy.T, color="white", density=1.2, linewidth=0.6, arrowsize=0.6)
    ax.set_xlim(_extent(lat)[:2])
    ax.set_ylim(_extent(lat)[2:])
    ax.set_title(title or "supercurrent")
    return save_figure(fig, path)


def plot_field_above(bz, jx, jy, lat: Lattice, path, title: str = "", bc2_mT: float | None = None) -> Path:
    """B_z at a height above a film (an (nx − 1, ny − 1) plaquette array, in mT when ``bc2_mT`` is
    given) with the film's sheet-current streamlines (node-averaged jx, jy [J0]) drawn over it."""
    b = np.asarray(bz, dtype=float) * (bc2_mT if bc2_mT else 1.0)
    x, y = lat.grid.x(), lat.grid.y()
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    im = ax.imshow(b.T, origin="lower", extent=[x[0], x[-1], y[0], y[-1]], cmap="magma", interpolation="bilinear")
    cb = plt.colorbar(im, ax=ax, label="B_z [mT]" if bc2_mT else "B_z / B_c2", shrink=0.85)
    cb.ax.ticklabel_format(useOffset=False)
    jx, jy = np.asarray(jx), np.asarray(jy)
    speed = np.hypot(jx, jy)
    ax.streamplot(x, y, jx.T, jy.T, color="white", density=1.3, arrowsize=0.6,
                  linewidth=0.3 + 1.5 * (speed / max(float(speed.max()), 1e-300)).T)
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(y[0], y[-1])
    ax.set_xlabel("x / ξ")
    ax.set_ylabel("y / ξ")
    ax.set_aspect("equal")
    ax.set_title(title or "B_z above the film and its sheet current")
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


def plot_energy_stages(time, energy, path, title: str = "", minimized: dict | None = None) -> Path:
    """Both stages of a relaxation: the free energy against time during TDGL (left) and the energy at
    the start, the end of TDGL and after the L-BFGS polish (right; ``minimized`` = {energy,
    iterations, converged}, or None when the polish was off)."""
    t, F = np.asarray(time, float), np.asarray(energy, float)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [2, 1]})
    a1.plot(t, F, "-", lw=1.2, label="TDGL")
    if minimized is not None:
        a1.axhline(minimized["energy"], color="C3", ls="--", lw=1,
                   label=f"after L-BFGS ({minimized['iterations']} iterations)")
    a1.set_xlabel("t / t0")
    a1.set_ylabel("F / (B_c² ξ² d / μ0)")
    a1.set_title("stage 1: TDGL relaxation")
    a1.grid(alpha=0.3)
    a1.legend(fontsize=8)
    labels = ["start", "end of\nTDGL"]
    values = [F[0], F[-1]]
    if minimized is not None:
        labels.append("after\nL-BFGS" + ("" if minimized.get("converged", True) else "\n(not converged)"))
        values.append(minimized["energy"])
    a2.plot(range(len(values)), values, "o-", color="C3")
    for k, v in enumerate(values):
        a2.annotate(f"{v:.6g}", (k, v), textcoords="offset points", xytext=(4, 6), fontsize=8)
    a2.set_xticks(range(len(values)), labels, fontsize=8)
    a2.set_ylabel("F / (B_c² ξ² d / μ0)")
    a2.set_title("stage 2: L-BFGS polish" if minimized is not None else "no L-BFGS polish")
    a2.set_xlim(-0.4, len(values) - 0.4)
    a2.grid(alpha=0.3)
    fig.suptitle(title or "free energy")
    return save_figure(fig, path)
