"""The fast TDGL steps: split real/imaginary arrays with a ghost layer.

:func:`frozen_steps` is the same forward-Euler step as :func:`gl.tdgl.euler_step` with ``frozen_A=True``
(u ∂t ψ = (∇ − iA)²ψ + (1 − |ψ|²)ψ on the gauge-invariant lattice of Gropp et al., J. Comput.
Phys. 123, 254 (1996), Eqs. 3.3–3.6), written for memory bandwidth rather than readability:

* ψ is stored as one real array ``field`` of shape (2, nx+2, ny+2): Re ψ and Im ψ with a ghost
  layer. Neighbour reads are then plain slices, which XLA fuses into the one loop that writes the
  next step (``jnp.roll`` is materialized on CPU), and real arithmetic vectorizes where XLA's
  complex arithmetic does not. Ghosts are zero across open edges and copies of the opposite edge
  across periodic ones.
* The link masks are not stored. ψ is zero off the material, so a neighbour term U ψ_j vanishes
  by itself on a link that leaves the material; only the node degree (number of superconducting
  neighbours, from the padded site mask) is needed for the −ψ_i terms. This is exactly the
  masked-link Laplacian of :func:`gl.operators.covariant_laplacian`.
* The link variables U = exp(−i a) of the frozen A are computed once. For a uniform applied field
  in the Landau gauge A = (−Hy, 0) they depend on y only and are stored as (1, ny+2) rows
  (:func:`uniform_field_links`); an arbitrary frozen A uses full (nx+2, ny+2) arrays
  (:func:`frozen_links`). The kernel is the same: the link arrays broadcast.
* Two steps per loop iteration, separated by an optimization barrier, so XLA alternates between
  two buffers instead of copying the state every step; the caller's buffer is donated.

Per site-update the step must read ψ (2 reals) and the site mask (1 real) and write ψ (2 reals):
5 reals, 20 bytes in float32 ("complex64") and 40 in float64, plus the link rows (negligible).
Spacings, time step and u are traced scalars, so changing them does not recompile.

:func:`full_steps` is the step with A evolving, built from the same pieces: ψ and the link
phases in one (4, nx+2, ny+2) array, the link variables and the plaquette field computed once
per step, everything else fused.
"""
from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np

from .errors import ParameterError
from .geometry import Grid
from .lattice import Lattice

#: reals read and written per site-update by :func:`frozen_steps` (ψ in and out, site mask in)
REALS_PER_SITE_UPDATE = 5
#: reals read and written per site-update by :func:`full_steps` (ψ, a_x, a_y in and out; two masks in)
FULL_REALS_PER_SITE_UPDATE = 10


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class Links:
    """Link variables U = exp(−i a) = re + i·im of a frozen A, padded by one ghost layer.

    Attributes:
        x_re, x_im: x-link (i, j) → (i+1, j) at padded index (i+1, j+1); shape (nx+2, ny+2), or
            (1, ny+2) when U_x depends on y only.
        y_re, y_im: y-links likewise, shape (nx+2, ny+2); ``None`` when U_y = 1.
    """

    x_re: jax.Array
    x_im: jax.Array
    y_re: jax.Array | None
    y_im: jax.Array | None


def frozen_links(grid: Grid, ax, ay) -> Links:
    """:class:`Links` of arbitrary frozen link phases ``ax``, ``ay`` (each (nx, ny), dimensionless)."""
    pad = functools.partial(_with_ghosts, periodic=(grid.periodic_x, grid.periodic_y))
    return Links(pad(jnp.cos(ax)), pad(-jnp.sin(ax)), pad(jnp.cos(ay)), pad(-jnp.sin(ay)))


def uniform_field_links(grid: Grid, applied_field, dtype=None) -> Links:
    """Compact :class:`Links` of a uniform field H [B_c2] in the Landau gauge A = (−Hy, 0).

    The x-link phase is a_x = −H·y_j·hx, y measured from the grid's centre as in
    :func:`gl.gauge.applied_link_phases` with ``gauge="landau_x"`` (the state must be in that
    gauge); U_y = 1. Stored as one (1, ny+2) row, so the step reads no per-site link data.
    ``applied_field`` may be traced: a sweep over it does not recompile.
    """
    return landau_links(grid, jnp.asarray(applied_field, dtype or jnp.result_type(float)) * grid.hx * grid.hy)


def landau_links(grid: Grid, flux_per_plaquette) -> Links:
    """:func:`uniform_field_links` given the flux φ = H·hx·hy through one plaquette (may be traced).

    a_x(j) = −φ·(j − (ny − 1)/2): only the flux per plaquette enters, so sweeps that change the
    spacing or the field share one compiled kernel. The dtype is that of ``flux_per_plaquette``.

    Raises:
        ParameterError: for a grid periodic in y, where this gauge is not periodic (use
            :func:`frozen_links` with the ``"periodic"`` or ``"landau_y"`` gauge of
            :func:`gl.gauge.applied_link_phases`).
    """
    if grid.periodic_y:
        raise ParameterError("parameter 'grid': the Landau gauge A = (−Hy, 0) is not periodic along y; for a grid "
                             "periodic in y use frozen_links() with gl.gauge.applied_link_phases")
    phi = jnp.asarray(flux_per_plaquette)
    a = (-phi * (jnp.arange(grid.ny, dtype=phi.dtype) - (grid.ny - 1) / 2))[None, :]
    xr = jnp.pad(jnp.cos(a), ((0, 0), (1, 1)))   # shape (1, ny+2): no x extent
    xi = jnp.pad(-jnp.sin(a), ((0, 0), (1, 1)))
    return Links(xr, xi, None, None)


def pack(psi, lat: Lattice):
    """(field, site): ψ as the (2, nx+2, ny+2) real array of the kernel, and the padded site mask.

    ψ is multiplied by the site mask (the kernel assumes ψ = 0 off the material)."""
    psi = psi * lat.site
    pad = functools.partial(_with_ghosts, periodic=(lat.grid.periodic_x, lat.grid.periodic_y))
    return pad(jnp.stack([jnp.real(psi), jnp.imag(psi)])), pad(lat.site)


def unpack(field):
    """ψ, shape (nx, ny) complex, from the kernel's (2, nx+2, ny+2) array."""
    return jax.lax.complex(field[0, 1:-1, 1:-1], field[1, 1:-1, 1:-1])


_C = (slice(1, -1), slice(1, -1))                                    # a node
_XP, _XM = (slice(2, None), slice(1, -1)), (slice(None, -2), slice(1, -1))  # its x neighbours
_YP, _YM = (slice(1, -1), slice(2, None)), (slice(1, -1), slice(None, -2))  # its y neighbours


def _at(a, where):
    """A (possibly broadcast) padded array read at an offset."""
    return a[tuple(w if n > 1 else slice(None) for w, n in zip(where, a.shape))]


def _psi_update(r, i, site, links: Links, hx, hy, rate):
    """Re and Im of ψ after one Euler step (interior, (nx, ny) each); ``rate`` = dt/u."""
    s = site[_C]
    ihx2, ihy2 = 1.0 / hx ** 2, 1.0 / hy ** 2
    degree = (site[_XP] + site[_XM]) * ihx2 + (site[_YP] + site[_YM]) * ihy2
    rc, ic = r[_C], i[_C]
    uxr, uxi = _at(links.x_re, _C), _at(links.x_im, _C)        # U on the link to i+1
    if links.x_re.shape[0] == 1:     # U_x independent of x: the link from i−1 carries the same U
        x_r = uxr * (r[_XP] + r[_XM]) - uxi * (i[_XP] - i[_XM])
        x_i = uxr * (i[_XP] + i[_XM]) + uxi * (r[_XP] - r[_XM])
    else:
        vxr, vxi = _at(links.x_re, _XM), _at(links.x_im, _XM)  # U on the link from i−1
        x_r = uxr * r[_XP] - uxi * i[_XP] + vxr * r[_XM] + vxi * i[_XM]
        x_i = uxr * i[_XP] + uxi * r[_XP] + vxr * i[_XM] - vxi * r[_XM]
    if links.y_re is None:           # U_y = 1
        y_r, y_i = r[_YP] + r[_YM], i[_YP] + i[_YM]
    else:
        uyr, uyi = _at(links.y_re, _C), _at(links.y_im, _C)
        vyr, vyi = _at(links.y_re, _YM), _at(links.y_im, _YM)
        y_r = uyr * r[_YP] - uyi * i[_YP] + vyr * r[_YM] + vyi * i[_YM]
        y_i = uyr * i[_YP] + uyi * r[_YP] + vyr * i[_YM] - vyi * r[_YM]
    lap_r = x_r * ihx2 + y_r * ihy2 - degree * rc
    lap_i = x_i * ihx2 + y_i * ihy2 - degree * ic
    g = 1.0 - rc * rc - ic * ic
    k = rate * s
    return rc + k * (lap_r + g * rc), ic + k * (lap_i + g * ic)


def _with_ghosts(interior, periodic):
    """Pad the last two axes of ``interior`` by one ghost layer (zero, or wrapped along periodic axes)."""
    lead = ((0, 0),) * (interior.ndim - 2)
    new = jnp.pad(interior, lead + ((1, 1), (1, 1)))
    if periodic[0]:
        new = new.at[..., 0, :].set(new[..., -2, :]).at[..., -1, :].set(new[..., 1, :])
    if periodic[1]:
        new = new.at[..., :, 0].set(new[..., :, -2]).at[..., :, -1].set(new[..., :, 1])
    return new


def _step(field, site, links: Links, hx, hy, rate, periodic):
    """One frozen-A Euler step on the padded (2, nx+2, ny+2) field."""
    return _with_ghosts(jnp.stack(_psi_update(field[0], field[1], site, links, hx, hy, rate)), periodic)


@functools.partial(jax.jit, static_argnames=("periodic",), donate_argnums=(0,))
def frozen_steps(field, site, links: Links, hx, hy, rate, n_steps, periodic=(False, False)):
    """``n_steps`` frozen-A Euler steps in one compiled call; ``field`` is donated.

    Args:
        field: (2, nx+2, ny+2) real, from :func:`pack` (float32 or float64).
        site: (nx+2, ny+2) padded site mask from :func:`pack`.
        links: :class:`Links` of the frozen A.
        hx, hy: lattice spacings [ξ]; rate: dt/u [dimensionless]; n_steps: traced int.
        periodic: (periodic_x, periodic_y) of the grid (static).

    Returns:
        The field after ``n_steps`` steps, same shape and dtype.
    """
    step = functools.partial(_step, site=site, links=links, hx=hx, hy=hy, rate=rate, periodic=periodic)

    def two(_, f):
        return step(jax.lax.optimization_barrier(step(f)))

    field = jax.lax.fori_loop(0, n_steps // 2, two, field)
    return jax.lax.cond(n_steps % 2 == 1, step, lambda f: f, field)


def run_frozen(psi, lat: Lattice, links: Links, dt, u, n_steps):
    """ψ after ``n_steps`` frozen-A steps of length ``dt`` [t0] (complex (nx, ny) in and out)."""
    field, site = pack(psi, lat)
    field = frozen_steps(field, site, links, lat.hx, lat.hy, dt / u, n_steps,
                         periodic=(lat.grid.periodic_x, lat.grid.periodic_y))
    return unpack(field)


def site_bytes(real_dtype) -> int:
    """Bytes one site-update of :func:`frozen_steps` must move (read + write) at ``real_dtype``."""
    return REALS_PER_SITE_UPDATE * np.dtype(real_dtype).itemsize


def pack_full(state, lat: Lattice):
    """(fields, site, plaquette): Re ψ, Im ψ, a_x, a_y as one (4, nx+2, ny+2) real array with ghosts,
    and the padded site and plaquette masks, for :func:`full_steps`."""
    psi = state.psi * lat.site
    pad = functools.partial(_with_ghosts, periodic=(lat.grid.periodic_x, lat.grid.periodic_y))
    return pad(jnp.stack([jnp.real(psi), jnp.imag(psi), state.ax, state.ay])), pad(lat.site), pad(lat.plaquette)


def unpack_full(fields):
    """(ψ, a_x, a_y) on the (nx, ny) nodes and links from :func:`full_steps`' array."""
    c = (slice(None),) + _C
    f = fields[c]
    return jax.lax.complex(f[0], f[1]), f[2], f[3]


def _full_step(fields, site, plaquette, coef, periodic):
    """One Euler step of ψ and the link phases (A evolving); ``coef`` = (hx, hy, dt/u, dt/σ, κ², H)."""
    hx, hy, rate, rate_a, k2, H = coef
    r, i, ax, ay = fields[0], fields[1], fields[2], fields[3]
    # link variables and the plaquette field once per step: XLA would otherwise recompute the
    # cosines for each neighbour that reads them
    links = jax.lax.optimization_barrier(Links(jnp.cos(ax), -jnp.sin(ax), jnp.cos(ay), -jnp.sin(ay)))
    flux = ax[_C] + ay[_XP] - ax[_YP] - ay[_C]
    flux = flux - 2.0 * np.pi * jnp.round(flux / (2.0 * np.pi))       # compact field, as gl.gauge
    pl = plaquette[_C]
    b = jax.lax.optimization_barrier(_with_ghosts((flux / (hx * hy) * pl - H) * pl, periodic))
    nr, ni = _psi_update(r, i, site, links, hx, hy, rate)
    rc, ic = r[_C], i[_C]

    def current(ur, ui, rn, in_, h):  # Im(ψ* U ψ_next)/h on the link to the next node
        return (rc * (ur * in_ + ui * rn) - ic * (ur * rn - ui * in_)) / h

    jx = current(links.x_re[_C], links.x_im[_C], r[_XP], i[_XP], hx)
    jy = current(links.y_re[_C], links.y_im[_C], r[_YP], i[_YP], hy)
    curl_x = (b[_C] - b[_YM]) / hy                                      # ∂_y B on x-links
    curl_y = -(b[_C] - b[_XM]) / hx                                     # −∂_x B on y-links
    nax = ax[_C] + rate_a * hx * (jx - k2 * curl_x)
    nay = ay[_C] + rate_a * hy * (jy - k2 * curl_y)
    return _with_ghosts(jnp.stack([nr, ni, nax, nay]), periodic)


@functools.partial(jax.jit, static_argnames=("periodic",), donate_argnums=(0,))
def full_steps(fields, site, plaquette, coef, n_steps, periodic=(False, False)):
    """``n_steps`` Euler steps of ψ and A (σ ∂t A = J_s − κ²∇×∇×A) in one compiled call; ``fields`` donated.

    The same step as :func:`gl.tdgl.euler_step` with A evolving, to round-off: link variables and
    the plaquette field B − H are computed once per step, the currents Im(ψ* U ψ')/h and the
    curl from slices of the padded arrays, all four updates in one fused loop. Per site-update
    it must read ψ, a_x, a_y and the site and plaquette masks and write ψ, a_x, a_y: 10 reals.

    Args:
        fields: (4, nx+2, ny+2) real from :func:`pack_full`.
        site, plaquette: padded masks from :func:`pack_full`.
        coef: (hx, hy, dt/u, dt/σ, κ², H), traced scalars [ξ, ξ, 1, 1, 1, B_c2].
        n_steps: traced int. periodic: (periodic_x, periodic_y), static.
    """
    step = functools.partial(_full_step, site=site, plaquette=plaquette, coef=coef, periodic=periodic)

    def two(_, f):
        return step(jax.lax.optimization_barrier(step(f)))

    fields = jax.lax.fori_loop(0, n_steps // 2, two, fields)
    return jax.lax.cond(n_steps % 2 == 1, step, lambda f: f, fields)


def run_full(state, params, lat: Lattice, dt, n_steps):
    """The state after ``n_steps`` Euler steps of length ``dt`` [t0] with A evolving (State in and out)."""
    fields, site, plaquette = pack_full(state, lat)
    coef = (lat.hx, lat.hy, dt / params.u, dt / params.sigma, params.kappa ** 2, params.applied_field)
    fields = full_steps(fields, site, plaquette, coef, n_steps, periodic=(lat.grid.periodic_x, lat.grid.periodic_y))
    psi, ax, ay = unpack_full(fields)
    return state.replace(psi=psi.astype(state.psi.dtype), ax=ax, ay=ay)
