"""The fast TDGL steps: split real/imaginary arrays with a ghost layer.

:func:`frozen_steps` is the same forward-Euler step as :func:`gl.tdgl.euler_step` for a model with A
frozen (the generalized TDGL of :mod:`gl.model` with ε(r, t) and H(t), on the gauge-invariant
lattice of Gropp et al., J. Comput. Phys. 123, 254 (1996), Eqs. 3.3–3.6), written for memory
bandwidth rather than readability. The physics terms are not written here: the condensation
factor and the ψ rate come from :mod:`gl.model`, the ghost layers from :mod:`gl.boundary`.

* ψ is stored as one real array ``field`` of shape (2, nx+2, ny+2): Re ψ and Im ψ with a ghost
  layer. Neighbour reads are then plain slices, which XLA fuses into the one loop that writes the
  next step (``jnp.roll`` is materialized on CPU), and real arithmetic vectorizes where XLA's
  complex arithmetic does not. Ghosts are zero across open edges and copies of the opposite edge
  across periodic ones.
* The link masks are not stored. ψ is zero off the material, so a neighbour term U ψ_j vanishes
  by itself on a link that leaves the material; only the node degree (number of superconducting
  neighbours, from the padded site mask) is needed for the −ψ_i terms. This is exactly the
  masked-link Laplacian of :func:`gl.operators.covariant_laplacian`.
* The link variables U = exp(−i a) of the frozen A are computed once per call. For the uniform
  applied field (:data:`~gl.model.UNIFORM`) they depend on one coordinate each and are stored as a
  (1, ny+2) row and an (nx+2, 1) column, generated from :func:`gl.gauge.unit_field_link_phases`;
  an arbitrary frozen A uses full (nx+2, ny+2) arrays (:func:`frozen_links`). The kernel is the
  same: the link arrays broadcast. A time-dependent
  H(t) multiplies them in each step by exp(−i(H(t) − H(t0))·a_unit), whose phases are a row or
  a column (:func:`gl.gauge.unit_field_link_phases`): ny or nx cosines per step, not nx·ny.
* ε(r, t): a uniform ε is a traced scalar (nothing more is read per site); an ε(r) map adds one
  real read per site-update.
* Each step computes only the new interior and writes it in place into the buffer of the state
  from the step before last, whose ghosts already hold what they must (:func:`_two_step_loop`);
  float64 on a CPU above :data:`PADDED_WRITE_MIN_SITES` (512²) nodes pads instead, which XLA
  spreads over two threads. Two steps per loop
  iteration, separated by an optimization barrier, so XLA alternates between two buffers instead
  of copying the state every step; the caller's buffer is donated.

Per site-update the step must read ψ (2 reals) and the site mask (1 real) and write ψ (2 reals):
5 reals, 20 bytes in float32 ("complex64") and 40 in float64, plus the link rows (negligible).
Spacings, time step and every model parameter are traced scalars, so changing them does not
recompile; γ = 0 versus γ > 0 (``Model.generalized``) and constant versus time-dependent
schedules are static choices.

:func:`full_steps` is the step with A evolving, built from the same pieces: ψ and the link
phases in one (4, nx+2, ny+2) array; the link variables (by the polynomial :func:`sincos`) and the
plaquette field are recomputed where they are used, so the whole step is one fused loop.

:func:`run_frozen` and :func:`run_full` (State in and out) call the kernels once, or, given
``threads`` > 1 and a large grid, once per tile of :mod:`gl.tiles` on a pool of threads
(:func:`tile_layout`; :func:`gl.tdgl.run_steps` decides).
"""
from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np

from . import tiles
from .boundary import axis_scales, field_excess, with_ghosts as _with_ghosts
from .gauge import unit_field_link_phases
from .geometry import Grid
from .lattice import Lattice
from .model import Model, condensation_factor, psi_rate

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


def _psi_update(r, i, site, eps, links: Links, hx, hy, dt, model: Model, scales=None):
    """Re and Im of ψ after one Euler step (interior, (nx, ny) each).

    ``eps`` is ε(r, t): a scalar, or a padded (nx+2, ny+2) array. ``scales``: None, or the
    (nx, 1) and (1, ny) factors of half edge cells (:func:`gl.boundary.axis_scales`) on the x and y
    parts of the Laplacian."""
    s = site[_C]
    ihx2, ihy2 = 1.0 / hx ** 2, 1.0 / hy ** 2
    if scales is not None:
        ihx2, ihy2 = ihx2 * scales[0], ihy2 * scales[1]
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
    elif links.y_re.shape[1] == 1:   # U_y independent of y: the link from j−1 carries the same U
        uyr, uyi = _at(links.y_re, _C), _at(links.y_im, _C)
        y_r = uyr * (r[_YP] + r[_YM]) - uyi * (i[_YP] - i[_YM])
        y_i = uyr * (i[_YP] + i[_YM]) + uyi * (r[_YP] - r[_YM])
    else:
        uyr, uyi = _at(links.y_re, _C), _at(links.y_im, _C)
        vyr, vyi = _at(links.y_re, _YM), _at(links.y_im, _YM)
        y_r = uyr * r[_YP] - uyi * i[_YP] + vyr * r[_YM] + vyi * i[_YM]
        y_i = uyr * i[_YP] + uyi * r[_YP] + vyr * i[_YM] - vyi * r[_YM]
    lap_r = x_r * ihx2 + y_r * ihy2 - degree * rc
    lap_i = x_i * ihx2 + y_i * ihy2 - degree * ic
    g = condensation_factor(rc * rc + ic * ic, eps if jnp.ndim(eps) == 0 else eps[_C])
    # without μ the ψ rate is linear in the force, so 1/u is folded into the scalar dt/u (fewer products per site)
    dr, di = psi_rate(lap_r + g * rc, lap_i + g * ic, rc, ic, 1.0, model.gamma if model.generalized else None)
    k = (dt / model.u) * s
    return rc + k * dr, ic + k * di


def _pad_compact(a, periodic):
    """Ghost layer for a link-phase array that may be a (1, ny) row or an (nx, 1) column (or None)."""
    if a is None:
        return None
    if a.shape[0] > 1 and a.shape[1] > 1:
        return _with_ghosts(a, periodic)
    axis = 1 if a.shape[0] == 1 else 0
    widths = ((0, 0), (1, 1)) if axis == 1 else ((1, 1), (0, 0))
    new = jnp.pad(a, widths)
    if periodic[axis]:
        idx = lambda k: (slice(None), k) if axis == 1 else (k, slice(None))
        new = new.at[idx(0)].set(new[idx(-2)]).at[idx(-1)].set(new[idx(1)])
    return new


def _driven_links(links: Links | None, unit, dh) -> Links:
    """Links times exp(−i·dh·a_unit): the frozen A after the applied field changed by ``dh`` [B_c2].

    With ``links`` None, the links of the uniform field dh·a_unit alone (compact: a row and a column)."""
    ux, uy = unit
    if links is None:
        links = Links(jnp.ones((1, 1), ux.dtype if ux is not None else uy.dtype),
                      jnp.zeros((1, 1), ux.dtype if ux is not None else uy.dtype), None, None)
    xr, xi, yr, yi = links.x_re, links.x_im, links.y_re, links.y_im
    if ux is not None:
        c, s = jnp.cos(dh * ux), -jnp.sin(dh * ux)
        xr, xi = xr * c - xi * s, xr * s + xi * c
    if uy is not None:
        c, s = jnp.cos(dh * uy), -jnp.sin(dh * uy)
        yr, yi = (c, s) if yr is None else (yr * c - yi * s, yr * s + yi * c)
    return Links(xr, xi, yr, yi)


def _write_interior(buffer, interior, periodic, row_blocks=1, col0=1):
    """``buffer`` with its interior replaced by ``interior`` (k, nx, ny) and, along periodic axes, its
    ghost layers refreshed from the new edges; open-edge ghosts are left as they are (zero). The
    interior starts at row 1 and column ``col0`` (1: the kernels' ghost layer; more: rows padded for
    alignment, the ghosts at columns col0 − 1 and col0 + ny).

    ``buffer`` is dead afterwards, so XLA writes in place: no padded copy of the state is made.
    ``row_blocks`` > 1 writes the interior as that many blocks of rows: XLA's CPU backend then
    computes the interior in a loop it splits over the cores and copies it in, where one write runs
    the whole computation in the write's loop, on one core (see :func:`_two_step_loop`)."""
    nx = interior.shape[1]
    edges = np.linspace(0, nx, row_blocks + 1).astype(int)
    new = buffer
    for a, b in ((a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a):
        new = jax.lax.dynamic_update_slice(new, interior[:, a:b].astype(buffer.dtype), (0, 1 + int(a), col0))
    return _refresh_ghosts(new, periodic, interior.shape[2], col0)


def _refresh_ghosts(buffer, periodic, ny, col0=1):
    """``buffer`` (k, nx+2, ≥ ny+2) with its ghost rows and columns along periodic axes set from the
    opposite edges of its interior (rows 1..nx, columns col0..col0+ny−1); open-edge ghosts are left as
    they are."""
    if periodic[0]:
        buffer = buffer.at[:, 0, :].set(buffer[:, -2, :]).at[:, -1, :].set(buffer[:, 1, :])
    if periodic[1]:
        last = col0 + ny - 1
        buffer = buffer.at[:, :, col0 - 1].set(buffer[:, :, last]).at[:, :, last + 1].set(buffer[:, :, col0])
    return buffer


def _two_step_loop(interior_step, state, n_steps, periodic, in_place=True, row_blocks=1, carried=None, col0=1,
                   step_into=None):
    """``n_steps`` applications of ``interior_step(state, k)`` (k the step index; it returns the new
    interior, (k, nx, ny)) to the padded ``state``.

    ``in_place``: each new interior is written into the buffer of the state from the step before
    last, whose ghosts already hold what they must (zero across open edges), instead of padding a
    new array; ``row_blocks`` as in :func:`_write_interior`. Otherwise each step pads its interior
    (``with_ghosts``), a loop that XLA's CPU backend splits over two threads (one per component)
    where it runs the in-place write on one: faster for the frozen-A step in float64 above
    :data:`PADDED_WRITE_MIN_SITES` nodes
    (benchmarks/RESULTS.md, section 13). Two steps per loop iteration, so XLA alternates two buffers
    without copying.

    ``carried`` (in-place loop only): ``(buffer, refresh)``, a padded buffer whose interior is
    rewritten in place with ``refresh(state, k)`` before each step and passed on as
    ``interior_step(state, k, buffer)``: something of the state that the step reads at several
    neighbours and XLA would otherwise recompute for each (the full-A step's link factors).
    ``col0``: the interior's first column in the in-place loop's buffers (:func:`_write_interior`).
    ``step_into(scratch, state, k)``: instead of ``interior_step``, a step that writes the new state into
    the buffer ``scratch`` itself (its ghosts included) and returns it (the Pallas step)."""
    if not in_place:
        if carried is not None:
            raise ValueError("a carried buffer needs the in-place loop")

        def padded(f, k):
            return _with_ghosts(interior_step(f, k).astype(f.dtype), periodic)

        def two_padded(k, f):
            return padded(jax.lax.optimization_barrier(padded(f, 2 * k)), 2 * k + 1)

        state = jax.lax.fori_loop(0, n_steps // 2, two_padded, state)
        return jax.lax.cond(n_steps % 2 == 1, lambda f: padded(f, n_steps - 1), lambda f: f, state)

    if step_into is not None:
        aux0 = None

        def step(scratch, current, aux, k):
            return step_into(scratch, current, k), aux
    elif carried is None:
        aux0 = None

        def step(scratch, current, aux, k):
            return _write_interior(scratch, interior_step(current, k), periodic, row_blocks, col0), aux
    else:
        aux0, refresh = carried

        def step(scratch, current, aux, k):
            aux = _write_interior(aux, refresh(current, k), periodic, row_blocks, col0)
            return _write_interior(scratch, interior_step(current, k, aux), periodic, row_blocks, col0), aux

    def two(k, carry):
        scratch, current, aux = carry
        mid, aux = step(scratch, current, aux, 2 * k)
        mid = jax.lax.optimization_barrier(mid)
        out, aux = step(current, mid, aux, 2 * k + 1)
        return mid, out, aux

    scratch = jnp.copy(state)
    scratch, state, aux = jax.lax.fori_loop(0, n_steps // 2, two, (scratch, state, aux0))
    return jax.lax.cond(n_steps % 2 == 1, lambda s, f, a: step(s, f, a, n_steps - 1)[0], lambda s, f, a: f,
                        scratch, state, aux)


def _two_pi_parts(dtype):
    """2π = c1 + c2 + c3 in ``dtype`` with c1 of half the mantissa, so that k·c1 is exact for the
    k a phase reduction meets (Cody–Waite reduction)."""
    bits = np.finfo(dtype).nmant // 2
    two_pi = 2.0 * np.pi
    exp = np.floor(np.log2(two_pi))
    c1 = np.floor(two_pi * 2.0 ** (bits - exp)) / 2.0 ** (bits - exp)
    c2 = float(np.asarray(two_pi - c1, dtype))
    c3 = 2.4492935982947064e-16 + (two_pi - c1 - c2)   # 2π − float64(2π), plus what c2 dropped
    return float(c1), c2, float(c3)                     # Python floats: weakly typed, keep a's dtype


def sincos(a):
    """(sin a, cos a) of real ``a`` (any shape) by a polynomial, for the fused full-A step.

    XLA's CPU sine and cosine cost about 20 ns per element, more than the rest of the step; here
    a is reduced to r ∈ [−π, π] (Cody–Waite: 2π in three parts, so the reduction stays exact for
    the unwrapped phases of an evolving A), the Taylor series is summed at x = r/4 ∈ [−π/4, π/4]
    to x¹⁵ in float64 (truncation < 5e-17), at x = r/2 to x¹³ in float32 (< 6e-8), and the
    double-angle formulas sin 2x = 2 sin x cos x, cos 2x = 1 − 2 sin² x are applied twice, or
    once, which doubles the round-off each time. Agrees with the library sine and cosine to 2e-15
    in float64 and 6e-7 in float32 (a few units of the float32 round-off of r itself, 2.4e-7 near
    π; tests/test_kernel.py)."""
    f64 = jnp.dtype(a.dtype) == jnp.float64
    terms, doublings = (8, 2) if f64 else (7, 1)
    c1, c2, c3 = _two_pi_parts(np.float64 if f64 else np.float32)
    k = jnp.floor(a * (0.5 / np.pi) + 0.5)     # the nearest integer (floor, not round: Pallas' Triton has no round)
    r = ((a - k * c1) - k * c2) - k * c3
    x = r * 0.5 ** doublings
    x2 = x * x
    s = c = 1.0
    for j in range(terms, 0, -1):      # Horner in x²: sin x / x = Σ (−x²)^j/(2j+1)!, cos x = Σ (−x²)^j/(2j)!
        s = 1.0 - x2 * s * (1.0 / ((2 * j) * (2 * j + 1)))   # products by the reciprocals, so no
        c = 1.0 - x2 * c * (1.0 / ((2 * j - 1) * (2 * j)))   # division per element is left to XLA
    s = x * s
    for _ in range(doublings):
        s, c = 2.0 * s * c, 1.0 - 2.0 * s * s
    return s, c


def _condensation_at(eps, model: Model, t):
    """ε(r, t) for the kernels: ``eps`` already carries the thermal factor when T is constant."""
    return eps if model.temperature.is_constant else eps * model.thermal_factor(t)


def _pallas_eps(eps, model: Model, t):
    """(ε, factor) for the Pallas steps at time ``t``: a scalar ε(t) (factor unused), or the ε(r) map as it
    is with the thermal factor its nodes are multiplied by in the kernel (no full-array product per step)."""
    if jnp.ndim(eps) == 0:
        return _condensation_at(eps, model, t), 1.0
    return eps, (1.0 if model.temperature.is_constant else model.thermal_factor(t))


#: smallest float64 grid (nodes) whose frozen-A steps on a CPU use the padded write (two threads, one per
#: component of ψ): below it the in-place write on one core, from the cache, is faster (RESULTS.md §13)
PADDED_WRITE_MIN_SITES = 512 * 512


@functools.partial(jax.jit, static_argnames=("periodic", "in_place", "layout", "block"), donate_argnums=(0,))
def frozen_steps(field, site, eps, links: Links | None, unit, model: Model, hx, hy, t0, dt, n_steps,
                 periodic=(False, False), scales=None, in_place=None, t_links=None, layout=None, block=None):
    """``n_steps`` frozen-A Euler steps from time ``t0`` in one compiled call; ``field`` is donated.

    Args:
        field: (2, nx+2, ny+2) real, from :func:`pack` (float32 or float64).
        site: (nx+2, ny+2) padded site mask from :func:`pack`.
        eps: ε(r) [× the thermal factor when T is constant]: a scalar or padded (nx+2, ny+2).
        links: :class:`Links` of the frozen A at ``t0``, or None for a :data:`~gl.model.UNIFORM`
            A generated in each step from ``unit``.
        unit: (a_x, a_y) of the unit field at the kernel's spacing, padded compact (see
            :func:`_pad_compact`); None when the links are constant.
        model: the :class:`~gl.model.Model` (u, γ, H(t), T(t)).
        hx, hy: lattice spacings [ξ]; t0, dt [t0]; n_steps: traced int.
        periodic: (periodic_x, periodic_y) of the grid (static).
        scales: None for whole edge cells, or (1/w_x (nx, 1), 1/w_y (1, ny)) for half ones
            (:func:`gl.boundary.axis_scales`): two small arrays, nothing more per site.
        in_place: static; None chooses (the padded write for float64 on a CPU above
            :data:`PADDED_WRITE_MIN_SITES` nodes, else in place); with ``layout`` None, False keeps
            the planes (the other layouts write in place).
        layout: static; how ψ is held in the loop (:data:`FROZEN_LAYOUTS`): "planes", "complex"
            (see below), or either with "_aligned" (each row's interior from column
            :data:`ALIGNED_COLUMN` of rows padded to a multiple of :data:`ALIGNED_PITCH` nodes), or
            "pallas" (the planes stepped by the Pallas kernel of :mod:`gl.pallas_steps`: Triton on a
            GPU, its interpreter elsewhere, for tests), also with "_aligned"; None chooses
            (:func:`_frozen_layout`).
        block: static; the "pallas" layout's (rows, columns) of nodes per program, or (rows, columns,
            warps) (default :data:`gl.pallas_steps.DEFAULT_BLOCK`, the warps from
            :data:`gl.pallas_steps.NODES_PER_THREAD`); ignored by the other layouts.
        t_links: the time [t0] at which ``links`` hold A under a changing field (default ``t0``);
            a later call continuing from the same links passes the first call's ``t0`` here.

    Returns:
        The field after ``n_steps`` steps, same shape and dtype.

    Raises:
        ValueError: for another ``layout``, or a ``block`` whose sides or warps are not powers of two.

    A layout other than "planes" and "pallas" converts ``field`` to its buffer and back once per call;
    all but "planes" write in place. By default (:func:`_frozen_layout`) a CPU runs in-cache grids and tiles on aligned planes
    (1.06-1.27x the unaligned ones), larger grids on plain planes; a GPU runs ψ as one complex
    (1, nx+2, ny+2) buffer, so that XLA computes both parts of a node in one thread (1.36-1.46x the
    planes at 8192² on an H200; benchmarks/RESULTS.md section 14).
    """
    def links_at(t):     # the frozen A's link factors at time t (moved by H(t) − H at the links' time)
        return links if unit is None else _driven_links(links, unit, model.field(t) - h_ref)

    def update(r, i, k):
        t = t0 + k * dt
        return _psi_update(r, i, site, _condensation_at(eps, model, t), links_at(t), hx, hy, dt, model, scales)

    h_ref = 0.0 if links is None else model.field(t0 if t_links is None else t_links)
    if layout is None:
        layout = "planes" if in_place is False else _frozen_layout(field.size * field.dtype.itemsize)
    if layout not in FROZEN_LAYOUTS:
        raise ValueError(f"parameter 'layout' = {layout!r}: allowed {', '.join(map(repr, FROZEN_LAYOUTS))} or None")
    if layout != "planes":
        complex_buffer, aligned = layout.startswith("complex"), layout.endswith("_aligned")
        ny = field.shape[2] - 2
        col0 = ALIGNED_COLUMN if aligned else 1
        buffer = jax.lax.complex(field[0], field[1])[None] if complex_buffer else field
        buffer = _on_aligned_rows(buffer) if aligned else buffer
        window = lambda f: f[:, :, col0 - 1:col0 + ny + 1]          # the padded (k, nx+2, ny+2) state

        def step(f, k):
            w = window(f)
            if complex_buffer:
                return jax.lax.complex(*update(w[0].real, w[0].imag, k))[None]
            return jnp.stack(update(w[0], w[1], k))

        def pallas_step(scratch, f, k):
            from .pallas_steps import frozen_step_into

            t = t0 + k * dt
            new = frozen_step_into(scratch, f, site, *_pallas_eps(eps, model, t), links_at(t), hx, hy, dt, model,
                                   scales, block, col0=col0)
            return _refresh_ghosts(new, periodic, ny, col0)

        if layout.startswith("pallas"):
            out = window(_two_step_loop(None, buffer, n_steps, periodic, step_into=pallas_step))
        else:
            out = window(_two_step_loop(step, buffer, n_steps, periodic, col0=col0))
        return jnp.stack([out[0].real, out[0].imag]) if complex_buffer else out
    if in_place is None:   # large float64 grids on a CPU: the padded write, which XLA spreads over two threads
        in_place = not (jax.default_backend() == "cpu" and field.dtype == jnp.float64
                        and (field.shape[1] - 2) * (field.shape[2] - 2) > PADDED_WRITE_MIN_SITES)
    return _two_step_loop(lambda f, k: jnp.stack(update(f[0], f[1], k)), field, n_steps, periodic, in_place)


#: the ways :func:`frozen_steps` can hold ψ in its loop (its static ``layout``)
FROZEN_LAYOUTS = ("planes", "planes_aligned", "complex", "complex_aligned", "pallas", "pallas_aligned")
#: the "_aligned" layouts of :func:`frozen_steps`: ψ's interior starts at this column of rows padded to a
#: multiple of ALIGNED_PITCH nodes, so each row's interior starts on a 64-byte (float32 planes) or
#: 128-byte (complex64) boundary
ALIGNED_COLUMN, ALIGNED_PITCH = 16, 32
#: largest padded ψ (bytes) that the frozen-A step holds on aligned rows on a CPU (:func:`_frozen_layout`)
ALIGNED_MAX_BYTES = 2_300_000


def _on_aligned_rows(padded):
    """A padded (k, nx+2, ny+2) array on aligned rows: its interior from column :data:`ALIGNED_COLUMN`
    of rows padded with zeros to a multiple of :data:`ALIGNED_PITCH` nodes, its ghosts beside it."""
    ny = padded.shape[2] - 2
    pitch = -(-(ny + ALIGNED_COLUMN + 1) // ALIGNED_PITCH) * ALIGNED_PITCH
    cols = slice(ALIGNED_COLUMN - 1, ALIGNED_COLUMN + ny + 1)
    return jnp.zeros(padded.shape[:2] + (pitch,), padded.dtype).at[:, :, cols].set(padded)


def _frozen_layout(state_bytes: int) -> str:
    """How :func:`frozen_steps` holds ψ by default, for a padded state of ``state_bytes``.

    On a CPU: two real planes, on aligned rows while the state stays within :data:`ALIGNED_MAX_BYTES`
    (in the cache the aligned loads and stores make the step 1.12-1.27x faster at 64²-512² in float32
    and 64²-256² in float64; from the L3 on they gain nothing, and float64 above 512² uses the padded
    write; RESULTS.md section 14). Elsewhere one complex buffer: a GPU computes each output element in
    its own thread; with planes the two parts of a node are two threads that each read both planes at
    five nodes, as one complex element one thread and half the loads (1.36-1.46x on an H200)."""
    if jax.default_backend() != "cpu":
        return "complex"
    return "planes_aligned" if state_bytes <= ALIGNED_MAX_BYTES else "planes"


def _kernel_eps(model: Model, lat: Lattice, dtype):
    """ε(r) for the kernels: scalar or padded, times the thermal factor when the temperature is constant."""
    eps = jnp.asarray(model.condensation_coefficient(0.0) if model.temperature.is_constant else model.epsilon, dtype)
    return eps if eps.ndim == 0 else _with_ghosts(eps, (lat.grid.periodic_x, lat.grid.periodic_y))


def _unit_phases(lat: Lattice, model: Model, scale, dtype):
    """Unit-strength link phases of the applied potential at the kernel's spacing (``scale`` = hx·hy
    over the grid's), compact, unpadded: a local source's full arrays, or the uniform field's row/column."""
    if model.source_potential is not None:
        return tuple(a.astype(dtype) for a in model.source_potential)
    return tuple(None if a is None else a.astype(dtype) * scale
                 for a in unit_field_link_phases(lat.grid, model.gauge, dtype))


def _frozen_inputs(state, model: Model, lat: Lattice, dt, t0, spacing):
    """Everything :func:`frozen_steps` reads besides the step count, from a State: (field, kwargs, unit)."""
    hx, hy = (lat.hx, lat.hy) if spacing is None else spacing
    field, site = pack(state.psi, lat)
    real = field.dtype
    dt, t0 = jnp.asarray(dt, real), jnp.asarray(t0, real)
    periodic = (lat.grid.periodic_x, lat.grid.periodic_y)
    needs_unit = model.uniform or not model.applied_field.is_constant   # else the links are the state's, fixed
    unit = _unit_phases(lat, model, hx * hy / (lat.grid.hx * lat.grid.hy), real) if needs_unit else (None, None)
    padded = tuple(_pad_compact(a, periodic) for a in unit)
    if model.uniform:
        links = None
        if model.applied_field.is_constant:       # generate the compact links once per call
            links, padded = _driven_links(None, padded, model.field(t0)), None
    else:
        links = frozen_links(lat.grid, state.ax, state.ay)
        if model.applied_field.is_constant:
            padded = None
    args = dict(site=site, eps=_kernel_eps(model, lat, real), links=links, unit=padded, model=model, hx=hx, hy=hy,
                t0=t0, dt=dt, scales=axis_scales(lat.grid, real))
    return field, args, unit


def _frozen_result(state, field, model: Model, lat: Lattice, unit, t0, t1):
    """The State of the kernel's ``field`` at time ``t1`` (from ``t0``), with the link phases of A then."""
    real = field.dtype
    full = lambda a: jnp.zeros(lat.shape, real) if a is None else jnp.broadcast_to(a, lat.shape)
    if model.uniform:
        ax, ay = model.field(t1) * full(unit[0]), model.field(t1) * full(unit[1])
    elif model.applied_field.is_constant:
        ax, ay = state.ax, state.ay
    else:
        dh = model.field(t1) - model.field(t0)
        ax, ay = state.ax + dh * full(unit[0]), state.ay + dh * full(unit[1])
    return state.replace(psi=unpack(field).astype(state.psi.dtype), ax=ax.astype(state.ax.dtype),
                         ay=ay.astype(state.ay.dtype))


def run_frozen(state, model: Model, lat: Lattice, dt, n_steps, t0=0.0, spacing=None, threads: int = 1):
    """The state after ``n_steps`` frozen-A steps of length ``dt`` [t0] from time ``t0`` (State in and out).

    ``spacing`` = (hx, hy) [ξ], possibly traced, replaces the grid's static spacing (the uniform
    field's link phases scale with hx·hy). For :data:`~gl.model.UNIFORM` the returned link phases
    are H(t_end)·a_unit; for :data:`~gl.model.FROZEN` the state's, moved by (H(t_end) − H(t0))·a_unit.

    ``threads`` > 1 (outside ``jit``, a Python int ``n_steps``, a grid open along x): the grid is
    stepped in tiles on that many threads (:mod:`gl.tiles`) when :func:`tile_layout` finds it worth
    it; the result agrees with one call to round-off."""
    field, args, unit = _frozen_inputs_jit(state, model, lat, dt, t0, spacing)
    # in tiles: one core each (in place), and the links stay those of the first call's t0
    field = _kernel_steps(frozen_steps, field, args, lat, model, n_steps, threads, in_place=True, t_links=args["t0"])
    return _frozen_result_jit(state, field, model, lat, unit, args["t0"], args["t0"] + n_steps * args["dt"])


_frozen_inputs_jit = jax.jit(_frozen_inputs)
_frozen_result_jit = jax.jit(_frozen_result)


#: reals a node that each fast kernel keeps: both state buffers, the masks (and the full-A link-factor buffer)
_KEPT_REALS = {"frozen": 2 * 2 + 1, "full": 2 * 4 + 2 + 4}
#: bytes of one tile when a kernel runs in tiles on threads (gl.tiles): the memory-bound frozen-A step
#: gains most from tiles that stay in the cache, the compute-bound full-A step from less halo (RESULTS.md §13)
TILE_BYTES = {"frozen": 4 * 2 ** 20, "full": 8 * 2 ** 20}
#: a grid below :data:`gl.tiles.MIN_SITES` nodes is stepped in tiles too when its kernel keeps at least this
#: many bytes: the frozen-A step in float64 from 512² (10 MiB; one call on one core runs from the L3 there
#: and the tiles on two cores are 1.2-1.5x faster), the full-A step in float64 from about 470² (RESULTS.md §13)
TILE_MIN_BYTES = {"frozen": 10 * 2 ** 20, "full": tiles.MIN_BYTES}


def tile_layout(lat: Lattice, model: Model, real_dtype, threads: int):
    """The :class:`gl.tiles.TileLayout` in which :func:`run_frozen` / :func:`run_full` step ``lat`` on
    ``threads`` threads, or None for one call (one thread, a grid periodic along x, or too small)."""
    if threads <= 1 or lat.grid.periodic_x:
        return None
    kind = "frozen" if model.frozen else "full"
    return tiles.layout(lat.grid.nx, lat.grid.ny, threads, _KEPT_REALS[kind] * np.dtype(real_dtype).itemsize,
                        TILE_BYTES[kind], lat.grid.periodic_y, min_bytes=TILE_MIN_BYTES[kind])


def _kernel_steps(kernel, state, args: dict, lat: Lattice, model: Model, n_steps, threads: int, **in_tiles):
    """``n_steps`` of ``kernel`` (:func:`frozen_steps` or :func:`full_steps`) on its padded ``state`` with
    keyword arguments ``args``: one call, or in the tiles of :func:`tile_layout` on ``threads`` threads,
    each tile's call given its arrays cut to the tile (the model whole) and ``in_tiles`` besides."""
    periodic = (lat.grid.periodic_x, lat.grid.periodic_y)
    lay = tile_layout(lat, model, state.dtype, threads)
    if lay is None:
        return kernel(state, n_steps=n_steps, periodic=periodic, **args)
    arrays = {k: v for k, v in args.items() if k != "model"}
    parts = [lay.cut(arrays, k) | {"model": model} for k in range(lay.n_tiles)]
    step = lambda k, f, t, n: kernel(f, n_steps=n, periodic=periodic, **in_tiles, **(parts[k] | {"t0": t}))
    return tiles.run(step, state, lay, int(n_steps), args["t0"], args["dt"], threads)


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


def _shifted(a, di, dj):
    """The padded array ``a`` read at the interior nodes moved by (di, dj) ∈ {−1, 0, 1}²."""
    nx, ny = a.shape[-2] - 2, a.shape[-1] - 2
    return a[..., 1 + di:1 + di + nx, 1 + dj:1 + dj + ny]


def _field_excess_at(ax, ay, plaquette, h_applied, hx, hy, di, dj):
    """B − H on the plaquettes whose lower-left corners are the interior nodes moved by (di, dj),
    from the padded link phases: the compact flux a_x + a_y(→x) − a_x(→y) − a_y wrapped into
    [−π, π) (as :func:`gl.gauge.plaquette_flux`, which differs only at a flux of exactly ±π), zero outside
    the box (:func:`gl.boundary.field_excess`)."""
    flux = (_shifted(ax, di, dj) + _shifted(ay, di + 1, dj) - _shifted(ax, di, dj + 1) - _shifted(ay, di, dj))
    flux = flux - 2.0 * np.pi * jnp.floor(flux * (0.5 / np.pi) + 0.5)   # wrapped as sincos reduces
    pl = _shifted(plaquette, di, dj)
    return field_excess(flux * (1.0 / (hx * hy)) * pl, h_applied, pl)


#: how :func:`full_steps` evaluates the link variables' sine and cosine (its static ``trig``)
TRIG_CHOICES = ("polynomial", "library")


def _link_planes(ax, ay, trig="polynomial"):
    """(4, …) stack of the link variables' parts, in :class:`Links` order: cos a_x, −sin a_x,
    cos a_y, −sin a_y (U = exp(−ia)), by :func:`sincos` (``trig`` "polynomial") or the backend's own
    sine and cosine ("library")."""
    both = sincos if trig == "polynomial" else (lambda a: (jnp.sin(a), jnp.cos(a)))
    sx, cx = both(ax)
    sy, cy = both(ay)
    return jnp.stack([cx, -sx, cy, -sy])


#: how :func:`full_steps` holds and steps its state (its static ``layout``)
FULL_LAYOUTS = ("planes", "pallas")
#: what :func:`full_steps` can carry from step to step in a buffer (its static ``carry``)
FULL_CARRIES = ("none", "links", "links+excess")
#: largest grid (nodes) for which the full-A step on a CPU keeps its link factors in a buffer
LINK_BUFFER_MAX_SITES = 1024 * 1024


def _full_step(fields, site, plaquette, eps, model: Model, hx, hy, t, dt, links: Links | None = None, scales=None,
               excess=None, trig="polynomial"):
    """New interior (4, nx, ny) of ψ and the link phases after one Euler step (A evolving) at time ``t``:
    :func:`_full_step_parts` stacked."""
    return jnp.stack(_full_step_parts(fields, site, plaquette, eps, model, hx, hy, t, dt, links, scales, excess, trig))


def _full_step_parts(fields, site, plaquette, eps, model: Model, hx, hy, t, dt, links: Links | None = None,
                     scales=None, excess=None, trig="polynomial"):
    """(Re ψ, Im ψ, a_x, a_y) on the interior, (nx, ny) each, after one Euler step (A evolving) at time ``t``.

    ``links``: the padded link factors of ``fields``' a (from :func:`_link_planes`), or None to
    compute them here. Computed here they are evaluated again where each is used (XLA does so for
    each output plane and neighbour: about 70% of the step's time on a CPU); :func:`full_steps`
    passes them in from a carried buffer (:func:`_full_carry`: on a CPU for grids up to
    :data:`LINK_BUFFER_MAX_SITES`, off a CPU always; benchmarks/RESULTS.md, sections 13 and 14). ``scales``: as in
    :func:`_psi_update`; they also scale the curl on links along open edges (half a cell each).
    ``excess``: None, or B − H at time ``t`` as a padded plane (ghosts zero across open edges, the
    wrapped values across periodic ones) to read instead of recomputing it at three plaquettes.
    ``trig``: how link factors computed here are evaluated (:func:`_link_planes`)."""
    r, i, ax, ay = fields[0], fields[1], fields[2], fields[3]
    if links is None:
        links = Links(*_link_planes(ax, ay, trig))
    if excess is None:
        h_applied = model.field(t)
        b_c = _field_excess_at(ax, ay, plaquette, h_applied, hx, hy, 0, 0)
        b_ym = _field_excess_at(ax, ay, plaquette, h_applied, hx, hy, 0, -1)
        b_xm = _field_excess_at(ax, ay, plaquette, h_applied, hx, hy, -1, 0)
    else:
        b_c, b_ym, b_xm = excess[_C], excess[_YM], excess[_XM]
    nr, ni = _psi_update(r, i, site, _condensation_at(eps, model, t), links, hx, hy, dt, model, scales)
    rc, ic = r[_C], i[_C]

    def current(ur, ui, rn, in_, h):  # Im(ψ* U ψ_next)/h on the link to the next node
        return (rc * (ur * in_ + ui * rn) - ic * (ur * rn - ui * in_)) * (1.0 / h)

    jx = current(links.x_re[_C], links.x_im[_C], r[_XP], i[_XP], hx)
    jy = current(links.y_re[_C], links.y_im[_C], r[_YP], i[_YP], hy)
    curl_x = (b_c - b_ym) * (1.0 / hy)                                  # ∂_y B on x-links
    curl_y = (b_xm - b_c) * (1.0 / hx)                                  # −∂_x B on y-links
    if scales is not None:
        curl_x, curl_y = curl_x * scales[1], curl_y * scales[0]
    rate_a = dt / model.sigma
    k2 = model.kappa ** 2
    nax = ax[_C] + rate_a * hx * (jx - k2 * curl_x)
    nay = ay[_C] + rate_a * hy * (jy - k2 * curl_y)
    return nr, ni, nax, nay


@functools.partial(jax.jit, static_argnames=("periodic", "row_blocks", "carry", "trig", "layout", "block"),
                   donate_argnums=(0,))
def full_steps(fields, site, plaquette, eps, model: Model, hx, hy, t0, dt, n_steps, periodic=(False, False),
               scales=None, row_blocks=None, carry=None, trig="polynomial", layout="planes", block=None):
    """``n_steps`` Euler steps of ψ and A (σ ∂t A = J_s − κ²∇×(∇×A − H(t))) in one compiled call; ``fields`` donated.

    The same step as :func:`gl.tdgl.euler_step` with A evolving, to round-off: link variables and
    the plaquette field B − H are computed once per step, the currents Im(ψ* U ψ')/h and the
    curl from slices of the padded arrays, all four updates in one fused loop. Per site-update
    it must read ψ, a_x, a_y and the site and plaquette masks and write ψ, a_x, a_y: 10 reals (on a
    CPU it moves 8 more: the new interior is computed on every core into a temporary and copied
    in as two blocks of rows, see :func:`_write_interior`; and up to :data:`LINK_BUFFER_MAX_SITES`
    nodes it writes and reads the four link-factor planes of a carried buffer, 8 more, to evaluate
    the sine and cosine once per link instead of once per use).

    Args:
        fields: (4, nx+2, ny+2) real from :func:`pack_full`.
        site, plaquette: padded masks from :func:`pack_full`.
        eps: ε(r) as in :func:`frozen_steps`. model: the :class:`~gl.model.Model`.
        hx, hy [ξ], t0, dt [t0]: traced scalars. n_steps: traced int. periodic: static.
        scales: None, or half edge cells' (1/w_x (nx, 1), 1/w_y (1, ny)) (:func:`gl.boundary.axis_scales`).
        row_blocks: static; None chooses (2 on a CPU, else 1; see :func:`_write_interior`).
        carry: static; what each step writes once into a carried buffer and its neighbours read:
            "none", "links" (the four link-factor planes) or "links+excess" (and B − H); None chooses
            (:func:`_full_carry`).
        trig: static; the link variables' sine and cosine (:data:`TRIG_CHOICES`): "polynomial"
            (:func:`sincos`; XLA's CPU sine and cosine cost more than the rest of the step) or "library"
            (the backend's own, an option for accelerators: benchmarks/gpu_variants.py times both).
        layout: static; "planes" (the step in XLA) or "pallas" (the Pallas kernel of
            :func:`gl.pallas_steps.full_step_into`: Triton on a GPU, its interpreter elsewhere, for tests;
            it evaluates the link factors and B − H where used, so ``carry`` and ``row_blocks`` are ignored).
        block: static; the "pallas" layout's (rows, columns) of nodes per program, or (rows, columns, warps)
            (as :func:`frozen_steps`).

    Raises:
        ValueError: for another ``carry``, ``trig`` or ``layout``, or a ``block`` whose sides or warps are not
            powers of two.
    """
    cpu = jax.default_backend() == "cpu"
    # on a CPU, two row blocks: the step's arithmetic then runs on every core (1.7x at 512²-2048², section 13)
    if row_blocks is None:
        row_blocks = 2 if cpu else 1
    carry = _full_carry((fields.shape[1] - 2) * (fields.shape[2] - 2)) if carry is None else carry
    if carry not in FULL_CARRIES:
        raise ValueError(f"parameter 'carry' = {carry!r}: allowed {', '.join(map(repr, FULL_CARRIES))} or None")
    if trig not in TRIG_CHOICES:
        raise ValueError(f"parameter 'trig' = {trig!r}: allowed {', '.join(map(repr, TRIG_CHOICES))}")
    if layout not in FULL_LAYOUTS:
        raise ValueError(f"parameter 'layout' = {layout!r}: allowed {', '.join(map(repr, FULL_LAYOUTS))}")
    if layout == "pallas":
        from .pallas_steps import full_step_into

        def pallas_step(scratch, f, k):
            t = t0 + k * dt
            new = full_step_into(scratch, f, site, plaquette, *_pallas_eps(eps, model, t), model.field(t), t, hx, hy, dt,
                                 model, scales, block, trig=trig)
            return _refresh_ghosts(new, periodic, f.shape[2] - 2)

        return _two_step_loop(None, fields, n_steps, periodic, step_into=pallas_step)
    if carry == "none":
        step = lambda f, k: _full_step(f, site, plaquette, eps, model, hx, hy, t0 + k * dt, dt, scales=scales,
                                       trig=trig)
        return _two_step_loop(step, fields, n_steps, periodic, row_blocks=row_blocks)
    excess = carry == "links+excess"

    def step(f, k, aux):
        return _full_step(f, site, plaquette, eps, model, hx, hy, t0 + k * dt, dt, Links(*aux[:4]), scales,
                          aux[4] if excess else None)

    def refresh(f, k):
        planes = _link_planes(f[2, 1:-1, 1:-1], f[3, 1:-1, 1:-1], trig)
        if not excess:
            return planes
        b = _field_excess_at(f[2], f[3], plaquette, model.field(t0 + k * dt), hx, hy, 0, 0)
        return jnp.concatenate([planes, b[None]])

    # ghosts: the links' of a = 0 and B − H = 0 across open edges (the interior is refreshed before each step)
    aux0 = _link_planes(fields[2], fields[3], trig)
    if excess:
        aux0 = jnp.concatenate([aux0, jnp.zeros_like(fields[:1])])
    return _two_step_loop(step, fields, n_steps, periodic, row_blocks=row_blocks, carried=(aux0, refresh))


def _full_carry(n_sites: int) -> str:
    """What :func:`full_steps` carries for a grid of ``n_sites`` nodes by default. On a CPU: the link
    factors up to :data:`LINK_BUFFER_MAX_SITES` nodes (evaluated once per link instead of once per use:
    1.7-2x at 88²-512²), nothing above (section 13 of benchmarks/RESULTS.md). Elsewhere the link
    factors and B − H, each evaluated once per step (on a GPU, XLA keeps intermediate planes of them
    anyway; benchmarks/gpu_variants.py)."""
    if jax.default_backend() != "cpu":
        return "links+excess"
    return "links" if n_sites <= LINK_BUFFER_MAX_SITES else "none"


def _full_inputs(state, model: Model, lat: Lattice, dt, t0, spacing):
    """(fields, kwargs) of :func:`full_steps` besides the step count, from a State."""
    hx, hy = (lat.hx, lat.hy) if spacing is None else spacing
    fields, site, plaquette = pack_full(state, lat)
    real = fields.dtype
    return fields, dict(site=site, plaquette=plaquette, eps=_kernel_eps(model, lat, real), model=model, hx=hx, hy=hy,
                        t0=jnp.asarray(t0, real), dt=jnp.asarray(dt, real), scales=axis_scales(lat.grid, real))


def _full_result(state, fields):
    psi, ax, ay = unpack_full(fields)
    return state.replace(psi=psi.astype(state.psi.dtype), ax=ax, ay=ay)


_full_inputs_jit = jax.jit(_full_inputs)
_full_result_jit = jax.jit(_full_result)


def run_full(state, model: Model, lat: Lattice, dt, n_steps, t0=0.0, spacing=None, threads: int = 1):
    """The state after ``n_steps`` Euler steps of length ``dt`` [t0] with A evolving (State in and out).

    ``threads`` as in :func:`run_frozen` (tiles on threads, :mod:`gl.tiles`); the tiles' steps agree
    with one call to round-off (tiles up to :data:`LINK_BUFFER_MAX_SITES` nodes read their link
    factors from the buffer)."""
    fields, args = _full_inputs_jit(state, model, lat, dt, t0, spacing)
    fields = _kernel_steps(full_steps, fields, args, lat, model, n_steps, threads, row_blocks=1)  # tiles: one core each
    return _full_result_jit(state, fields)
