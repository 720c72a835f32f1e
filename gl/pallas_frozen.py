"""The frozen-A Euler step as a Pallas kernel (Triton on NVIDIA GPUs): one program per block of nodes.

XLA's GPU loop fusion computes each output element in its own thread and reaches about a third of
an H200's copy bandwidth with the frozen-A step (benchmarks/RESULTS.md section 14). Here one
Pallas program computes a ``block`` = (BM, BN) of interior nodes, both parts of ψ: it loads the
block of ψ's two planes, the site mask and the link factors at the five stencil offsets (masked
where the block overhangs the array; neighbouring loads hit the GPU's caches) and stores the new
block into the buffer of the state from the step before last (aliased, so the ghosts there stay
as they are), as :func:`gl.kernel.frozen_steps` does in XLA.

The physics is not written here: the kernel calls :func:`gl.kernel._psi_update` (the masked-link
Laplacian of Gropp et al., J. Comput. Phys. 123, 254 (1996), Eqs. 3.3–3.6, the condensation
factor and the ψ rate of :mod:`gl.model`) on :class:`_Block` views, which read a padded array
at the block's nodes moved by the offsets that ``_psi_update``'s slices name. Whatever changes in
time (the links under a changing field, the scalar ε(t), the step's time) is evaluated in XLA
per step and passed in; an ε(r) map is read per node and multiplied by the thermal factor.

Off a GPU the kernel runs in Pallas' interpreter (tests only: slow). It is reached through
``gl.kernel.frozen_steps(layout="pallas")``; which layout runs by default is decided by
measurement (benchmarks/gpu_variants.py).
"""
from __future__ import annotations

import functools
import types

import jax
import jax.numpy as jnp
from jax.experimental import pallas as pl

#: (rows, columns) of interior nodes per program (powers of two, as Triton requires)
DEFAULT_BLOCK = (8, 128)
#: nodes per GPU thread: a program of BM·BN nodes runs on BM·BN / (32·NODES_PER_THREAD) warps (4 to 16), so
#: that the step's ~20 live values a node stay in registers
NODES_PER_THREAD = 8

_SHIFT = {(1, -1): 0, (2, None): 1, (None, -2): -1}   # gl.kernel's _C, _XP/_YP, _XM/_YM along one axis


def _load(ref, index, starts, sizes, limits, scale=None):
    """``ref[index + (rows, cols)]`` for rows [starts[0], starts[0] + sizes[0]) and likewise columns,
    zero where they pass ``limits`` (the array's extent), times ``scale`` if given."""
    from jax.experimental.pallas import triton as plgpu

    rows = starts[0] + jnp.arange(sizes[0])[:, None]
    cols = starts[1] + jnp.arange(sizes[1])[None, :]
    mask = (rows < limits[0]) & (cols < limits[1])
    index = tuple(jnp.int32(k) for k in index)      # as arrays: the interpreter wants shaped indices
    value = plgpu.load(ref.at[index + (pl.ds(starts[0], sizes[0]), pl.ds(starts[1], sizes[1]))], mask=mask, other=0)
    return value if scale is None else value * scale


class _Block:
    """A padded array (a Pallas ref, optionally indexed by ``index`` first) as ``gl.kernel._psi_update``
    reads it: ``view[where]`` for ``where`` one of its slice pairs is the (BM, BN) block of nodes moved
    by the offset the slices name; a length-1 axis (a link row or column) is read whole, as (1, BN) or
    (BM, 1). ``scale``: a factor applied to every value read."""

    ndim = 2

    def __init__(self, ref, origin, block, index=(), scale=None):
        self.ref, self.origin, self.block, self.index, self.scale = ref, origin, block, index, scale

    @property
    def shape(self):
        return tuple(self.ref.shape[len(self.index):])

    def __getitem__(self, where):
        starts, sizes = [], []
        for w, n, o, b in zip(where, self.shape, self.origin, self.block):
            if n == 1:
                starts.append(0)
                sizes.append(1)
            else:
                starts.append(o + _SHIFT[(w.start, w.stop)])
                sizes.append(b)
        return _load(self.ref, self.index, starts, sizes, self.shape, self.scale)


def _kernel(*refs, block, has_links, eps_map, has_scales, generalized, nx, ny, col0):
    """One program: the new ψ on its block of interior nodes, stored into the output (the aliased
    scratch buffer; in both state buffers the interior starts at column ``col0``, in the other arrays
    at column 1). ``refs``: current state, site mask, scalars (hx, hy, dt, u, γ, ε or its factor),
    the present link arrays (x_re, x_im[, y_re, y_im]), the ε map if any, the two scales if any, the
    scratch buffer (unused: aliased to the output), the output."""
    from gl.kernel import Links, _psi_update
    from jax.experimental.pallas import triton as plgpu

    it = iter(refs)
    current, site, scalars = next(it), next(it), next(it)
    origin = (1 + pl.program_id(0) * block[0], 1 + pl.program_id(1) * block[1])
    state_origin = (origin[0], origin[1] - 1 + col0)
    view = functools.partial(_Block, origin=origin, block=block)
    hx, hy, dt, u, gamma, e = (scalars[k] for k in range(6))
    x_re, x_im = view(next(it)), view(next(it))
    y_re, y_im = (view(next(it)), view(next(it))) if has_links[1] else (None, None)
    eps = view(next(it), scale=e) if eps_map else e
    scales = None
    if has_scales:
        sx, sy = next(it), next(it)
        scales = (_load(sx, (), (origin[0] - 1, 0), (block[0], 1), sx.shape),
                  _load(sy, (), (0, origin[1] - 1), (1, block[1]), sy.shape))
    next(it)                                                          # the scratch buffer, aliased to out
    out = next(it)
    coefficients = types.SimpleNamespace(u=u, gamma=gamma, generalized=generalized)
    state = functools.partial(_Block, current, origin=state_origin, block=block)
    new_r, new_i = _psi_update(state(index=(0,)), state(index=(1,)), view(site),
                               eps, Links(x_re, x_im, y_re, y_im), hx, hy, dt, coefficients, scales)
    rows = origin[0] + jnp.arange(block[0])[:, None]
    cols = origin[1] + jnp.arange(block[1])[None, :]
    inside = (rows <= nx) & (cols <= ny)
    for part, value in enumerate((new_r, new_i)):
        where = (jnp.int32(part), pl.ds(state_origin[0], block[0]), pl.ds(state_origin[1], block[1]))
        plgpu.store(out.at[where], value.astype(out.dtype), mask=inside)


def step_into(scratch, current, site, eps, eps_factor, links, hx, hy, dt, model, scales=None, block=None,
              interpret=None, col0=1):
    """``scratch`` with its interior replaced by ψ after one frozen-A Euler step from ``current``.

    Args:
        scratch, current: (2, nx+2, ny+2) real, Re ψ and Im ψ with a ghost layer (gl.kernel's planes),
            or on rows of any pitch ≥ ny + col0 + 1 with the interior from column ``col0`` (gl.kernel's
            aligned rows); ``scratch`` is donated to the result (its ghosts are kept: zero across open edges).
        site: (nx+2, ny+2) padded site mask (its interior from column 1, as every array but the state).
        eps: ε at this step as a scalar, or an ε(r) map (nx+2, ny+2) that ``eps_factor`` (a scalar: the
            thermal factor, or 1) multiplies; ``eps_factor`` is ignored for a scalar ``eps``.
        links: :class:`gl.kernel.Links` at this step (compact rows/columns or full arrays).
        hx, hy [ξ], dt [t0]: scalars. model: the :class:`~gl.model.Model` (its u, γ).
        scales: None, or the half edge cells' (1/w_x (nx, 1), 1/w_y (1, ny)).
        block: (BM, BN) interior nodes per program, powers of two (default :data:`DEFAULT_BLOCK`).
        interpret: run in Pallas' interpreter (default: off a GPU).
        col0: the state buffers' first interior column.

    Returns:
        The new state (``scratch``'s shape), in ``scratch``'s buffer; periodic ghosts are not refreshed.

    Raises:
        ValueError: if a block side is not a power of two.
    """
    block = DEFAULT_BLOCK if block is None else tuple(int(b) for b in block)
    if len(block) != 2 or any(b < 1 or b & (b - 1) for b in block):
        raise ValueError(f"parameter 'block' = {block!r}: allowed two powers of two (rows, columns)")
    if interpret is None:
        interpret = jax.default_backend() != "gpu"
    real = current.dtype
    nx, ny = site.shape[0] - 2, site.shape[1] - 2
    eps_map = jnp.ndim(eps) > 0
    scalars = jnp.stack([jnp.asarray(v, real) for v in
                         (hx, hy, dt, model.u, model.gamma, eps_factor if eps_map else eps, 0.0, 0.0)])
    present = [links.x_re, links.x_im] + ([links.y_re, links.y_im] if links.y_re is not None else [])
    inputs = [current, site.astype(real), scalars] + [jnp.asarray(a, real) for a in present]
    inputs += [jnp.asarray(eps, real)] if eps_map else []
    inputs += [jnp.asarray(s, real) for s in scales] if scales is not None else []
    inputs.append(scratch)
    kernel = functools.partial(_kernel, block=block, has_links=(True, links.y_re is not None), eps_map=eps_map,
                               has_scales=scales is not None, generalized=bool(model.generalized), nx=nx, ny=ny,
                               col0=col0)
    params = {}
    if not interpret:
        from jax.experimental.pallas import triton as plgpu
        warps = min(16, max(4, block[0] * block[1] // (32 * NODES_PER_THREAD)))
        params = dict(compiler_params=plgpu.CompilerParams(num_warps=warps))
    call = pl.pallas_call(kernel, out_shape=jax.ShapeDtypeStruct(scratch.shape, scratch.dtype),
                          grid=(pl.cdiv(nx, block[0]), pl.cdiv(ny, block[1])),
                          input_output_aliases={len(inputs) - 1: 0}, interpret=interpret, **params)
    return call(*inputs)
