"""The fast TDGL steps as Pallas kernels (Triton on NVIDIA GPUs): one program per block of nodes.

XLA's GPU loop fusion computes each output element in its own thread: it reaches about a third of an
H200's copy bandwidth with the frozen-A step, and with A evolving it writes the link factors and
intermediate planes of B − H and the currents to memory between fusions (benchmarks/RESULTS.md
section 14). Here one Pallas program computes a ``block`` = (BM, BN) of interior nodes, every part
of the state at once: it loads the block of each array it reads at the stencil's offsets (masked
where the block overhangs the array; neighbouring loads hit the GPU's caches), computes in
registers, and stores the new block into the buffer of the state from the step before last
(aliased, so that buffer's ghosts stay as they are), as :mod:`gl.kernel` does in XLA.

* :func:`frozen_step_into`: the frozen-A step (ψ only), ``gl.kernel.frozen_steps(layout="pallas")``.
* :func:`full_step_into`: the step with A evolving (ψ, a_x, a_y), ``gl.kernel.full_steps(layout="pallas")``;
  the link variables and B − H are evaluated where they are used, from the loaded link phases.

The physics is not written here: the kernels call :func:`gl.kernel._psi_update` and
:func:`gl.kernel._full_step_parts` (the gauge-invariant lattice of Gropp et al., J. Comput. Phys. 123,
254 (1996), Eqs. 3.3–3.6; the condensation factor and ψ rate of :mod:`gl.model`) on
:class:`_Block` views, which read a padded array at the block's nodes moved by the offsets that those
functions' slices name. What changes in time (links under H(t), ε(t), H(t) itself) is evaluated in XLA
per step and passed in as scalars or arrays; an ε(r) map is read per node times the thermal factor.

Off a GPU the kernels run in Pallas' interpreter (tests only: slow). No default chooses them until
they are measured on a GPU (benchmarks/gpu_variants.py).
"""
from __future__ import annotations

import functools
import types

import jax
import jax.numpy as jnp
from jax.experimental import pallas as pl

#: (rows, columns) of interior nodes per program (powers of two, as Triton requires)
DEFAULT_BLOCK = (8, 64)
#: nodes per GPU thread when ``block`` names no warps: a program of BM·BN nodes runs on BM·BN /
#: (32·NODES_PER_THREAD) warps (1 to 16). Compiled for sm_90 (Triton 3.9, ptxas), two nodes a thread keep the
#: default block's frozen-A step at 40 (float32) / 64 (float64) registers a thread and its full-A step at 76 /
#: 170 with the polynomial sine and cosine, none spilled; eight nodes a thread needed 146 / 255 and 255 / 255
#: registers and spilled in three of the four (benchmarks/triton_registers.py, RESULTS.md section 17)
NODES_PER_THREAD = 2
_N_SCALARS = 16


def _load(ref, index, starts, sizes, limits):
    """``ref[index + (rows, cols)]`` for rows [starts[0], starts[0] + sizes[0]) and likewise columns,
    zero where they pass ``limits`` (the array's extent)."""
    from jax.experimental.pallas import triton as plgpu

    rows = starts[0] + jnp.arange(sizes[0])[:, None]
    cols = starts[1] + jnp.arange(sizes[1])[None, :]
    mask = (rows < limits[0]) & (cols < limits[1])
    index = tuple(jnp.int32(k) for k in index)      # as arrays: the interpreter wants shaped indices
    return plgpu.load(ref.at[index + (pl.ds(starts[0], sizes[0]), pl.ds(starts[1], sizes[1]))], mask=mask, other=0)


class _Block:
    """A padded array (a Pallas ref, indexed by ``index`` first) as the kernels' physics reads it:
    ``view[where]``, for ``where`` a pair of slices (after an optional ``...``) that select the interior
    moved by an offset d ∈ {−1, 0, 1} per axis (a slice starting at 1 + d, or at None for d = −1),
    is the (BM, BN) block of nodes moved by that offset; a length-1 axis (a link row or column) is read
    whole, as (1, BN) or (BM, 1). ``scale`` multiplies what is read, then ``fn`` maps it.

    ``cache``: a dict shared by a kernel's views, so that a block read twice (the physics names r at
    x ± 1 in two sums, a link factor in the Laplacian and the current) is loaded and mapped once: Triton
    does not merge two loads of the same address."""

    ndim = 2

    def __init__(self, ref, origin, block, index=(), scale=None, fn=None, cache=None):
        self.ref, self.origin, self.block, self.index, self.scale, self.fn = ref, origin, block, index, scale, fn
        self.cache = {} if cache is None else cache

    @property
    def shape(self):
        return tuple(self.ref.shape[len(self.index):])

    def __getitem__(self, where):
        where = where[1:] if where[0] is Ellipsis else where
        offsets = tuple(None if n == 1 else (w.start or 0) - 1 for w, n in zip(where, self.shape))
        raw_key = (id(self.ref), id(self.origin), self.index, offsets)    # views of one ref may differ in origin
        key = raw_key + (id(self.scale), id(self.fn))
        if key not in self.cache:
            if raw_key not in self.cache:
                starts = [0 if d is None else o + d for d, o in zip(offsets, self.origin)]
                sizes = [1 if d is None else b for d, b in zip(offsets, self.block)]
                self.cache[raw_key] = _load(self.ref, self.index, starts, sizes, self.shape)
            value = self.cache[raw_key]
            value = value if self.scale is None else value * self.scale
            self.cache[key] = value if self.fn is None else self.fn(value)
        return self.cache[key]


class _Planes:
    """A padded (k, …) ref whose ``[k]`` is the :class:`_Block` view of plane k (sharing ``cache``)."""

    def __init__(self, ref, origin, block, cache):
        self.ref, self.origin, self.block, self.cache = ref, origin, block, cache

    def __getitem__(self, k):
        return _Block(self.ref, self.origin, self.block, index=(k,), cache=self.cache)


def _origin(block, col0=1):
    """(row, column) of this program's first interior node in a padded array whose interior starts at
    row 1 and column ``col0``."""
    return 1 + pl.program_id(0) * block[0], col0 + pl.program_id(1) * block[1]


def _scales(refs, origin, block):
    """The half edge cells' (1/w_x (nx, 1), 1/w_y (1, ny)) on this program's rows and columns."""
    sx, sy = refs
    return (_load(sx, (), (origin[0] - 1, 0), (block[0], 1), sx.shape),
            _load(sy, (), (0, origin[1] - 1), (1, block[1]), sy.shape))


def _store(out, parts, origin, block, nx, ny, col0=1):
    """Each of ``parts`` (BM, BN) into plane k of ``out`` at this program's nodes, those inside the grid."""
    from jax.experimental.pallas import triton as plgpu

    rows = origin[0] + jnp.arange(block[0])[:, None]
    cols = origin[1] + jnp.arange(block[1])[None, :]
    inside = (rows <= nx) & (cols <= ny)
    for part, value in enumerate(parts):
        where = (jnp.int32(part), pl.ds(origin[0], block[0]), pl.ds(origin[1] - 1 + col0, block[1]))
        plgpu.store(out.at[where], value.astype(out.dtype), mask=inside)


def _frozen_kernel(*refs, block, has_y_links, eps_map, has_scales, generalized, nx, ny, col0):
    """One program of the frozen-A step. ``refs``: current state, site mask, scalars (hx, hy, dt, u, γ, ε
    or its factor), the link arrays (x_re, x_im[, y_re, y_im]), the ε map if any, the two scales if any,
    the scratch buffer (aliased to the output, unused), the output. In both state buffers the interior
    starts at column ``col0``, in the other arrays at column 1."""
    from gl.kernel import Links, _psi_update

    it = iter(refs)
    current, site, scalars = next(it), next(it), next(it)
    origin, cache = _origin(block), {}
    view = functools.partial(_Block, origin=origin, block=block, cache=cache)
    hx, hy, dt, u, gamma, e = (scalars[k] for k in range(6))
    x_re, x_im = view(next(it)), view(next(it))
    y_re, y_im = (view(next(it)), view(next(it))) if has_y_links else (None, None)
    eps = view(next(it), scale=e) if eps_map else e
    scales = _scales((next(it), next(it)), origin, block) if has_scales else None
    next(it)
    out = next(it)
    state = _Planes(current, _origin(block, col0), block, cache)
    coefficients = types.SimpleNamespace(u=u, gamma=gamma, generalized=generalized)
    new = _psi_update(state[0], state[1], view(site), eps, Links(x_re, x_im, y_re, y_im), hx, hy, dt, coefficients,
                      scales)
    _store(out, new, origin, block, nx, ny, col0)


def _full_kernel(*refs, block, eps_map, has_scales, generalized, trig, nx, ny):
    """One program of the step with A evolving. ``refs``: current (4, …) state, site and plaquette masks,
    scalars (hx, hy, dt, u, γ, ε or its factor, σ, κ, H(t), t), the ε map if any, the two scales if any,
    the scratch buffer (aliased to the output, unused), the output."""
    from gl.kernel import Links, _full_step_parts, sincos

    it = iter(refs)
    current, site, plaquette, scalars = next(it), next(it), next(it), next(it)
    origin, cache = _origin(block), {}
    view = functools.partial(_Block, origin=origin, block=block, cache=cache)
    hx, hy, dt, u, gamma, e, sigma, kappa, h, t = (scalars[k] for k in range(10))
    eps = view(next(it), scale=e) if eps_map else e
    scales = _scales((next(it), next(it)), origin, block) if has_scales else None
    next(it)
    out = next(it)
    sin_cos = sincos if trig == "polynomial" else (lambda a: (jnp.sin(a), jnp.cos(a)))
    evaluated = {}

    def both(a):     # sine and cosine of a loaded block, once per block (the views' cache keeps ``a`` alive)
        if id(a) not in evaluated:
            evaluated[id(a)] = sin_cos(a)
        return evaluated[id(a)]

    cos, minus_sin = (lambda a: both(a)[1]), (lambda a: -both(a)[0])
    links = Links(*(view(current, index=(k,), fn=fn) for k in (2, 3) for fn in (cos, minus_sin)))  # U = exp(−ia)
    coefficients = types.SimpleNamespace(u=u, gamma=gamma, generalized=generalized, sigma=sigma, kappa=kappa,
                                         field=lambda _: h, temperature=types.SimpleNamespace(is_constant=True))
    new = _full_step_parts(_Planes(current, origin, block, cache), view(site), view(plaquette), eps, coefficients, hx,
                           hy, t, dt, links, scales)
    _store(out, new, origin, block, nx, ny)


def _check_block(block):
    """((BM, BN), warps) of ``block`` = (BM, BN) or (BM, BN, warps); None is :data:`DEFAULT_BLOCK`, and the
    warps default to BM·BN / (32·:data:`NODES_PER_THREAD`), within 1 to 16."""
    block = DEFAULT_BLOCK if block is None else tuple(int(b) for b in block)
    if len(block) not in (2, 3) or any(b < 1 or b & (b - 1) for b in block) or block[2:3] > (32,):
        raise ValueError(f"parameter 'block' = {block!r}: allowed (rows, columns) or (rows, columns, warps), "
                         "each a power of two, warps at most 32")
    warps = block[2] if len(block) == 3 else min(16, max(1, block[0] * block[1] // (32 * NODES_PER_THREAD)))
    return block[:2], warps


def _call(kernel, inputs, n_nodes, block, interpret, **static):
    """``kernel`` (given ``block``, nx, ny and ``static`` as keywords) over a grid of programs covering
    ``n_nodes`` = (nx, ny) interior nodes in blocks, its output aliased to the last of ``inputs`` (the
    scratch buffer).

    Raises:
        ValueError: if a block side or its warps is not a power of two (or the warps exceed 32)."""
    block, warps = _check_block(block)
    kernel = functools.partial(kernel, block=block, nx=n_nodes[0], ny=n_nodes[1], **static)
    scratch = inputs[-1]
    if interpret is None:
        interpret = jax.default_backend() != "gpu"
    params = {}
    if not interpret:
        from jax.experimental.pallas import triton as plgpu
        params = dict(compiler_params=plgpu.CompilerParams(num_warps=warps))
    call = pl.pallas_call(kernel, out_shape=jax.ShapeDtypeStruct(scratch.shape, scratch.dtype),
                          grid=(pl.cdiv(n_nodes[0], block[0]), pl.cdiv(n_nodes[1], block[1])),
                          input_output_aliases={len(inputs) - 1: 0}, interpret=interpret, **params)
    return call(*inputs)


def _scalar_vector(values, dtype):
    values = [jnp.asarray(v, dtype) for v in values]
    return jnp.stack(values + [jnp.zeros((), dtype)] * (_N_SCALARS - len(values)))


def _eps_inputs(eps, real):
    return [jnp.asarray(eps, real)] if jnp.ndim(eps) > 0 else []


def _scale_inputs(scales, real):
    return [jnp.asarray(s, real) for s in scales] if scales is not None else []


def frozen_step_into(scratch, current, site, eps, eps_factor, links, hx, hy, dt, model, scales=None, block=None,
                     interpret=None, col0=1):
    """``scratch`` with its interior replaced by ψ after one frozen-A Euler step from ``current``.

    Args:
        scratch, current: (2, nx+2, ≥ ny+2) real, Re ψ and Im ψ with a ghost layer, the interior from
            column ``col0`` (1: gl.kernel's planes; more: its aligned rows); ``scratch`` is donated to the
            result (its ghosts are kept: zero across open edges).
        site: (nx+2, ny+2) padded site mask (its interior from column 1, as every array but the state).
        eps: ε at this step as a scalar, or an ε(r) map (nx+2, ny+2) that ``eps_factor`` (a scalar: the
            thermal factor, or 1) multiplies; ``eps_factor`` is ignored for a scalar ``eps``.
        links: :class:`gl.kernel.Links` at this step (compact rows/columns or full arrays).
        hx, hy [ξ], dt [t0]: scalars. model: the :class:`~gl.model.Model` (its u, γ).
        scales: None, or the half edge cells' (1/w_x (nx, 1), 1/w_y (1, ny)).
        block: (BM, BN) interior nodes per program, or (BM, BN, warps) with the GPU warps a program runs
            on; powers of two (default :data:`DEFAULT_BLOCK`, warps by :data:`NODES_PER_THREAD`).
        interpret: run in Pallas' interpreter (default: off a GPU).
        col0: the state buffers' first interior column.

    Returns:
        The new state (``scratch``'s shape), in ``scratch``'s buffer; periodic ghosts are not refreshed.

    Raises:
        ValueError: if a block side or its warps is not a power of two (or the warps exceed 32).
    """
    real, eps_map = current.dtype, jnp.ndim(eps) > 0
    scalars = _scalar_vector((hx, hy, dt, model.u, model.gamma, eps_factor if eps_map else eps), real)
    present = [links.x_re, links.x_im] + ([links.y_re, links.y_im] if links.y_re is not None else [])
    inputs = ([current, site.astype(real), scalars] + [jnp.asarray(a, real) for a in present]
              + _eps_inputs(eps, real) + _scale_inputs(scales, real) + [scratch])
    return _call(_frozen_kernel, inputs, (site.shape[0] - 2, site.shape[1] - 2), block, interpret,
                 has_y_links=links.y_re is not None, eps_map=eps_map, has_scales=scales is not None,
                 generalized=bool(model.generalized), col0=col0)


def full_step_into(scratch, current, site, plaquette, eps, eps_factor, h, t, hx, hy, dt, model, scales=None,
                   block=None, interpret=None, trig="polynomial"):
    """``scratch`` with its interior replaced by (Re ψ, Im ψ, a_x, a_y) after one Euler step with A evolving
    from ``current`` at time ``t``.

    Args:
        scratch, current: (4, nx+2, ny+2) real, gl.kernel's full-A state with a ghost layer; ``scratch``
            is donated to the result (its ghosts are kept).
        site, plaquette: (nx+2, ny+2) padded masks.
        eps, eps_factor: as in :func:`frozen_step_into`. h: H(t) [B_c2]; t [t0]: scalars.
        hx, hy [ξ], dt [t0]: scalars. model: the :class:`~gl.model.Model` (its u, γ, σ, κ).
        scales, block, interpret: as in :func:`frozen_step_into`.
        trig: the link variables' sine and cosine, "polynomial" (:func:`gl.kernel.sincos`) or "library".

    Returns and raises as :func:`frozen_step_into`.
    """
    real, eps_map = current.dtype, jnp.ndim(eps) > 0
    scalars = _scalar_vector((hx, hy, dt, model.u, model.gamma, eps_factor if eps_map else eps, model.sigma,
                              model.kappa, h, t), real)
    inputs = ([current, site.astype(real), plaquette.astype(real), scalars] + _eps_inputs(eps, real)
              + _scale_inputs(scales, real) + [scratch])
    return _call(_full_kernel, inputs, (site.shape[0] - 2, site.shape[1] - 2), block, interpret, eps_map=eps_map,
                 has_scales=scales is not None, generalized=bool(model.generalized), trig=trig)
