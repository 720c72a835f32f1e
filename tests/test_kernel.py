"""The fast kernels (gl.kernel) are the reference Euler step (gl.tdgl.euler_step) to round-off, for every
boundary type and every way of treating A, with ε(r), H(t), T(t) and the generalized TDGL.

A path that a backend or a grid size chooses is forced here by the kernel's static argument, never by
patching the module's choice and jitting the function again: JAX reuses a function's trace across
``jax.jit`` wrappers of it, so such a test could run whatever path was traced first."""
import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gl.gauge import applied_link_phases
from gl.geometry import Disk, Grid
from gl.lattice import make_lattice
from gl.model import BULK, FROZEN, UNIFORM, make_model
from gl.state import random_state
from gl.tdgl import reference_steps, run_steps

CASES = [((False, False), "symmetric"), ((True, False), "landau_x"), ((False, True), "landau_y"),
         ((True, True), "periodic"), ((False, False), "landau_x")]


def _setup(periodic, gauge, seed=0, dtype=jnp.float64):
    grid = Grid(40, 32, 0.5, 0.6, periodic_x=periodic[0], periodic_y=periodic[1])
    region = None if any(periodic) else Disk(8.0)       # a disk exercises the material-edge links
    lat = make_lattice(grid, region, dtype=dtype)
    H = 2 * np.pi * 3 / (40 * 0.5 * 32 * 0.6) if all(periodic) else 0.3
    s0 = random_state(lat, *applied_link_phases(grid, H, gauge, dtype=dtype), jax.random.PRNGKey(seed), 0.5)
    return grid, lat, H, s0


def _max(a, b):
    return float(jnp.max(jnp.abs(a - b)))


@pytest.mark.parametrize("vector_potential", [FROZEN, UNIFORM, BULK])
@pytest.mark.parametrize("periodic, gauge", CASES)
def test_fast_step_equals_reference(periodic, gauge, vector_potential):
    grid, lat, H, s0 = _setup(periodic, gauge)
    model = make_model(2.0, H, vector_potential=vector_potential, gauge=gauge)
    dt = 0.005                                                        # within each stability limit
    fast = run_steps(s0, model, lat, dt, 37)                          # 37: odd, exercises the tail step
    ref = reference_steps(s0, model, lat, dt, 37)
    assert _max(ref.psi, s0.psi) > 0.1                                # the state really moved
    assert _max(fast.psi, ref.psi) < 1e-13
    if vector_potential is BULK:
        assert _max(ref.ax, s0.ax) > 0.01                             # A really evolved
    assert _max(fast.ax, ref.ax) < 1e-13 and _max(fast.ay, ref.ay) < 1e-13


@pytest.mark.parametrize("carry, trig", [("none", "polynomial"), ("links+excess", "polynomial"),
                                         ("none", "library"), ("links", "library")])
@pytest.mark.parametrize("periodic, gauge", CASES)
def test_full_a_step_carry_choices_equal_reference(periodic, gauge, carry, trig, monkeypatch):
    """The full-A step on a CPU up to gl.kernel.LINK_BUFFER_MAX_SITES nodes reads its link factors from a
    carried buffer; above, it recomputes them where it uses them ("none"), and off a CPU it carries
    B − H too ("links+excess", refreshed at each step's time); the link factors' sine and cosine are the
    polynomial gl.kernel.sincos or the backend's own (``trig`` "library", an option for accelerators).
    Each path (forced here on a small grid by the kernel's static ``carry`` and ``trig``, under a field
    ramp H(t) where the box is open) is the same Euler step: equal to the reference loop to 1e-13 after
    37 steps."""
    import gl.kernel as kernel

    grid, lat, H, s0 = _setup(periodic, gauge, seed=2)
    field = H if all(periodic) else [(0.0, H), (0.1, 1.5 * H)]     # a torus keeps its flux quanta
    model = make_model(2.0, field, vector_potential=BULK, gauge=gauge)
    monkeypatch.setattr(kernel, "full_steps", functools.partial(kernel.full_steps, carry=carry, trig=trig))  # own trace
    fast = kernel.run_full(s0, model, lat, 0.005, 37)
    ref = reference_steps(s0, model, lat, 0.005, 37)
    assert _max(ref.ax, s0.ax) > 0.01                                 # A really evolved
    assert _max(fast.psi, ref.psi) < 1e-13
    assert _max(fast.ax, ref.ax) < 1e-13 and _max(fast.ay, ref.ay) < 1e-13


@pytest.mark.parametrize("vector_potential", [FROZEN, UNIFORM])
@pytest.mark.parametrize("periodic, gauge", CASES)
def test_frozen_a_padded_write_equals_reference(periodic, gauge, vector_potential, monkeypatch):
    """Above gl.kernel.PADDED_WRITE_MIN_SITES nodes the float64 frozen-A step on a CPU pads each new
    interior instead of writing it in place; that path (forced here on a small grid by the kernel's
    static ``in_place``) is the same Euler step: equal to the reference loop to 1e-13 after 37 steps."""
    import gl.kernel as kernel

    grid, lat, H, s0 = _setup(periodic, gauge, seed=3)
    model = make_model(2.0, H, vector_potential=vector_potential, gauge=gauge)
    monkeypatch.setattr(kernel, "frozen_steps", functools.partial(kernel.frozen_steps, in_place=False))  # own trace
    fast = kernel.run_frozen(s0, model, lat, 0.005, 37)
    ref = reference_steps(s0, model, lat, 0.005, 37)
    assert _max(ref.psi, s0.psi) > 0.1                                # the state really moved
    assert _max(fast.psi, ref.psi) < 1e-13


@pytest.mark.parametrize("layout, vector_potential", [("planes", UNIFORM), ("complex", FROZEN), ("complex", UNIFORM),
                                                      ("complex_aligned", UNIFORM), ("planes_aligned", FROZEN),
                                                      ("pallas", UNIFORM), ("pallas", FROZEN), ("pallas_aligned", FROZEN)])
@pytest.mark.parametrize("periodic, gauge", CASES)
def test_frozen_a_layouts_equal_reference(periodic, gauge, layout, vector_potential, monkeypatch):
    """The frozen-A step's layouts (gl.kernel.FROZEN_LAYOUTS): on a CPU plain planes for large grids and
    aligned planes (interior from column 16, periodic ghosts beside it) for small ones and tiles, which
    this file's other tests run by default; off a CPU one complex buffer, which can be aligned too.
    Each path (forced here on the CPU by the kernel's static ``layout``), with every model term (ε(r),
    H(t), T(t), γ = 3), is the same Euler step: equal to the reference loop to 1e-13 after 37 steps, in
    float64."""
    import gl.kernel as kernel

    grid, lat, H, s0 = _setup(periodic, gauge, seed=4)
    eps = np.random.default_rng(1).uniform(-0.5, 1.0, grid.shape)
    model = make_model(2.0, [(0.0, H), (0.05, 1.4 * H)], gamma=3.0, epsilon=eps, temperature=[(0.0, 0.2), (0.1, 0.05)],
                       reference_temperature=0.1, vector_potential=vector_potential, gauge=gauge)
    monkeypatch.setattr(kernel, "frozen_steps", functools.partial(kernel.frozen_steps, layout=layout))  # own trace
    fast = kernel.run_frozen(s0, model, lat, 0.002, 37, 0.01)
    ref = reference_steps(s0, model, lat, 0.002, 37, 0.01)
    assert _max(ref.psi, s0.psi) > 0.05                               # the state really moved
    assert _max(fast.psi, ref.psi) < 1e-13
    assert _max(fast.ax, ref.ax) < 1e-13 and _max(fast.ay, ref.ay) < 1e-13


@pytest.mark.parametrize("vector_potential", [FROZEN, UNIFORM, BULK])
@pytest.mark.parametrize("periodic, gauge", CASES[:3])
def test_every_model_term_in_the_fast_kernel(periodic, gauge, vector_potential):
    """ε(r) random in [−0.5, 1], a field ramp H(t), a temperature ramp T(t) and γ = 3: kernel = reference."""
    grid, lat, H, s0 = _setup(periodic, gauge, seed=1)
    eps = np.random.default_rng(0).uniform(-0.5, 1.0, grid.shape)
    model = make_model(2.0, [(0.0, H), (0.05, 1.4 * H)], gamma=3.0, epsilon=eps, temperature=[(0.0, 0.2), (0.1, 0.05)],
                       reference_temperature=0.1, vector_potential=vector_potential, gauge=gauge)
    fast = run_steps(s0, model, lat, 0.002, 41, 0.01)
    ref = reference_steps(s0, model, lat, 0.002, 41, 0.01)
    assert _max(ref.psi, s0.psi) > 0.05
    assert _max(fast.psi, ref.psi) < 1e-13
    assert _max(fast.ax, ref.ax) < 1e-13 and _max(fast.ay, ref.ay) < 1e-13
    if vector_potential is not BULK:     # the frozen links followed the ramp: a = H(t_end)·a_unit
        t_end = 0.01 + 41 * 0.002
        expect = applied_link_phases(grid, float(model.field(t_end)), gauge)
        if vector_potential is UNIFORM:
            assert _max(fast.ax, expect[0]) < 1e-13 and _max(fast.ay, expect[1]) < 1e-13


def test_float32_kernel_agrees_with_float64_reference():
    """float32 kernel after 100 steps within 1e-5 of the float64 reference (relative to max |ψ|)."""
    grid, lat, H, s0 = _setup((False, False), "symmetric", seed=2)
    model = make_model(2.0, H, vector_potential=UNIFORM, gamma=2.0)
    ref = reference_steps(s0, model, lat, 0.005, 100)
    lat32 = make_lattice(grid, Disk(8.0), dtype=jnp.float32)
    s32 = jax.tree_util.tree_map(lambda a: a.astype(jnp.complex64 if jnp.iscomplexobj(a) else jnp.float32), s0)
    fast = run_steps(s32, make_model(2.0, H, vector_potential=UNIFORM, gamma=2.0, dtype=jnp.float32), lat32, 0.005, 100)
    assert fast.psi.dtype == jnp.complex64 and fast.ax.dtype == jnp.float32
    assert _max(fast.psi.astype(jnp.complex128), ref.psi) < 1e-5 * float(jnp.max(jnp.abs(ref.psi)))


def test_uniform_links_equal_the_state_links_of_the_same_field():
    """UNIFORM (links generated in the step from a row and a column) = FROZEN with the same field in the state."""
    grid, lat, H, s0 = _setup((False, False), "symmetric", seed=3)
    a = run_steps(s0, make_model(2.0, H, vector_potential=UNIFORM), lat, 0.01, 36)
    b = run_steps(s0, make_model(2.0, H, vector_potential=FROZEN), lat, 0.01, 36)
    assert _max(a.psi, b.psi) < 1e-13


@pytest.mark.parametrize("dtype, tol", [(jnp.float64, 2e-15), (jnp.float32, 1e-6)])
def test_polynomial_sincos_of_the_full_a_step(dtype, tol):
    """gl.kernel.sincos (Cody–Waite reduction, Taylor series at a/4, two double-angle steps) equals
    the float64 library sine and cosine of the same stored argument to a few units of round-off
    (float64: ulp(1) = 2.2e-16; float32: the reduced phase r ∈ [−π, π] alone is rounded by up to
    1.2e-7), for phases from −1000 to 1000: an evolving A's link phases are not wrapped, so the
    reduction must stay exact far from 0."""
    from gl.kernel import sincos

    a = np.concatenate([np.linspace(-7.0, 7.0, 20001), np.random.default_rng(4).uniform(-1000.0, 1000.0, 20000)])
    stored = np.asarray(jnp.asarray(a, dtype), np.float64)
    s, c = sincos(jnp.asarray(a, dtype))
    assert s.dtype == c.dtype == dtype                 # no promotion: a float32 step stays float32
    assert np.max(np.abs(np.asarray(s, np.float64) - np.sin(stored))) <= tol
    assert np.max(np.abs(np.asarray(c, np.float64) - np.cos(stored))) <= tol


@pytest.mark.parametrize("block", [(16, 8), (4, 64)])
@pytest.mark.parametrize("periodic, gauge", [CASES[0], CASES[3]])
def test_pallas_blocks_equal_reference(periodic, gauge, block, monkeypatch):
    """The Pallas step (gl.pallas_steps, interpreted off a GPU) gives each program a block of nodes. With
    blocks that leave a part-filled block at the far edge of the 40×32 grid (16 × 8: 3 × 4 programs; 4 ×
    64: 10 × 1, the columns masked from 32 on), it is the same Euler step as the reference loop to 1e-13
    after 37 steps, in an open disk and on a torus (ghosts refreshed after each step)."""
    import gl.kernel as kernel

    grid, lat, H, s0 = _setup(periodic, gauge, seed=6)
    model = make_model(2.0, H, gamma=1.0, vector_potential=UNIFORM, gauge=gauge)
    monkeypatch.setattr(kernel, "frozen_steps", functools.partial(kernel.frozen_steps, layout="pallas", block=block))
    fast = kernel.run_frozen(s0, model, lat, 0.005, 37)
    ref = reference_steps(s0, model, lat, 0.005, 37)
    assert _max(ref.psi, s0.psi) > 0.1                                # the state really moved
    assert _max(fast.psi, ref.psi) < 1e-13


@pytest.mark.parametrize("periodic, gauge, trig", [c + ("polynomial",) for c in CASES[:3]] + [c + ("library",) for c in CASES[3:]])
def test_full_a_pallas_equals_reference(periodic, gauge, trig, monkeypatch):
    """The step with A evolving as a Pallas kernel (gl.pallas_steps.full_step_into, interpreted off a GPU;
    blocks of 16 × 8 nodes, so 3 × 4 programs with a part-filled last row of blocks), link factors and
    B − H evaluated where used, with ε(r), H(t) (where the box is open), T(t) and γ = 2: the same Euler
    step as the reference loop to 1e-13 after 37 steps, with either sine and cosine."""
    import gl.kernel as kernel

    grid, lat, H, s0 = _setup(periodic, gauge, seed=7)
    field = H if all(periodic) else [(0.0, H), (0.1, 1.5 * H)]     # a torus keeps its flux quanta
    eps = np.random.default_rng(2).uniform(-0.5, 1.0, grid.shape)
    model = make_model(2.0, field, gamma=2.0, epsilon=eps, temperature=[(0.0, 0.2), (0.1, 0.05)],
                       reference_temperature=0.1, vector_potential=BULK, gauge=gauge)
    pallas = functools.partial(kernel.full_steps, layout="pallas", block=(16, 8), trig=trig)
    monkeypatch.setattr(kernel, "full_steps", pallas)                                       # static: own trace
    fast = kernel.run_full(s0, model, lat, 0.005, 37)
    ref = reference_steps(s0, model, lat, 0.005, 37)
    assert _max(ref.ax, s0.ax) > 0.01                                 # A really evolved
    assert _max(fast.psi, ref.psi) < 1e-13
    assert _max(fast.ax, ref.ax) < 1e-13 and _max(fast.ay, ref.ay) < 1e-13


@pytest.mark.parametrize("kind, layout, dtype, trig, block", [("frozen", "pallas", jnp.float32, None, None),
                                                             ("frozen", "pallas_aligned", jnp.float64, None, (8, 32, 2)),
                                                             ("full", "pallas", jnp.float64, "polynomial", None),
                                                             ("full", "pallas", jnp.float32, "library", (8, 64, 4))])
def test_pallas_steps_lower_to_triton_for_a_gpu(kind, layout, dtype, trig, block, monkeypatch):
    """What a GPU runs of the Pallas steps is not interpreted but lowered to Triton; this machine has no GPU,
    so each loop with every input form (frozen: an arbitrary frozen A, i.e. full link arrays; both: ε(r), H(t),
    T(t), γ, half edge cells) is exported for CUDA (jax.export, which lowers without a device): one Triton
    kernel per step of the two-step loop and the tail, with a grid of ⌈40/8⌉ × ⌈32/64⌉ programs of 8 warps for the
    default 8 × 64 block (two nodes a thread), or of the warps a block names.
    (A check that the GPU path builds; its numbers are checked on a GPU by benchmarks/gpu.sh.)"""
    import re

    import gl.kernel as kernel
    import gl.pallas_steps as pallas_steps
    from jax import export

    grid, H = Grid(40, 32, 0.5, 0.6, edge_cells="half"), 0.3
    lat = make_lattice(grid, Disk(8.0), dtype=dtype)
    s0 = random_state(lat, *applied_link_phases(grid, H, "symmetric", dtype=dtype), jax.random.PRNGKey(0), 0.5)
    eps = np.random.default_rng(1).uniform(-0.5, 1.0, grid.shape)
    model = make_model(2.0, [(0.0, H), (0.05, 1.4 * H)], gamma=3.0, epsilon=eps, temperature=[(0.0, 0.2), (0.1, 0.05)],
                       reference_temperature=0.1, vector_potential=FROZEN if kind == "frozen" else BULK,
                       gauge="symmetric", dtype=dtype)
    name = f"{kind}_step_into"
    monkeypatch.setattr(pallas_steps, name, functools.partial(getattr(pallas_steps, name), interpret=False))
    if kind == "frozen":
        state, args, _ = kernel._frozen_inputs(s0, model, lat, 0.002, 0.0, None)
        steps = functools.partial(kernel.frozen_steps.__wrapped__, n_steps=5, layout=layout, block=block)
    else:
        state, args = kernel._full_inputs(s0, model, lat, 0.002, 0.0, None)
        steps = functools.partial(kernel.full_steps.__wrapped__, n_steps=5, layout=layout, trig=trig, block=block)
    triton = "__gpu$xla.gpu.triton"
    exported = export.export(jax.jit(steps), platforms=["cuda"],        # a fresh trace, not the interpreted one
                             disabled_checks=[export.DisabledSafetyCheck.custom_call(triton)])
    text = exported(state, **args).mlir_module()
    assert text.count("@" + triton) == 3
    assert set(re.findall(r"grid_x = (\d+) : i32, grid_y = (\d+) : i32", text)) == {("5", "1")}
    assert set(re.findall(r"num_warps = (\d+) : i32", text)) == {"8" if block is None else str(block[2])}


@pytest.mark.parametrize("kind", ["frozen", "full"])
def test_pallas_steps_under_vmap(kind):
    """A sweep (gl.batch) vmaps the kernels; the Pallas steps batch too: three points with their own time
    steps, 6 steps each, equal to the XLA step of each point to 1e-13."""
    import gl.kernel as kernel

    grid, lat, H, s0 = _setup((False, False), "landau_x", seed=8)
    if kind == "frozen":
        model = make_model(2.0, H, vector_potential=UNIFORM, gauge="landau_x")
        state, args, _ = kernel._frozen_inputs(s0, model, lat, 0.005, 0.0, None)
        steps = kernel.frozen_steps.__wrapped__
    else:
        model = make_model(2.0, H, vector_potential=BULK, gauge="landau_x")
        state, args = kernel._full_inputs(s0, model, lat, 0.005, 0.0, None)
        steps = kernel.full_steps.__wrapped__

    def point(layout, f, dt):
        return steps(f, n_steps=6, layout=layout, **(args | {"dt": dt}))

    dts = jnp.asarray([0.002, 0.005, 0.01])
    states = jnp.stack([state] * 3)
    pallas = jax.vmap(functools.partial(point, "pallas"))(states, dts)
    xla = jax.vmap(functools.partial(point, "planes"))(states, dts)
    assert float(jnp.max(jnp.abs(xla[2] - xla[0]))) > 1e-3            # the points really differ
    assert float(jnp.max(jnp.abs(pallas - xla))) < 1e-13


def test_pallas_block_must_be_powers_of_two():
    """A Pallas block side or warp count that is not a power of two (Triton's tensors and programs must be),
    more than 32 warps, or a block without two sides is refused, by name."""
    from gl.kernel import Links
    from gl.pallas_steps import frozen_step_into as step_into

    f = jnp.zeros((2, 42, 34))
    links = Links(jnp.ones((1, 34)), jnp.zeros((1, 34)), None, None)
    for block in ((12, 8), (8, 64, 3), (8, 64, 64), (8,)):     # a side, the warps, too many warps, one side
        with pytest.raises(ValueError, match="'block'"):
            step_into(f, f, jnp.ones((42, 34)), 1.0, 1.0, links, 0.5, 0.5, 0.01, make_model(2.0, 0.0), block=block)


@pytest.mark.parametrize("vector_potential", [UNIFORM, BULK])
def test_float32_kernels_agree_with_the_float32_reference(vector_potential):
    """In float32 the fast kernels (frozen A, and A evolving with the polynomial sine and cosine)
    stay within 1e-6 of the float32 reference step after 100 steps, relative to max |ψ| and max |a|."""
    grid = Grid(40, 32, 0.5, 0.6)
    lat = make_lattice(grid, Disk(8.0), dtype=jnp.float32)
    s0 = random_state(lat, *applied_link_phases(grid, 0.3, "symmetric", dtype=jnp.float32), jax.random.PRNGKey(5), 0.5)
    model = make_model(2.0, 0.3, vector_potential=vector_potential, gamma=2.0, dtype=jnp.float32)
    fast = run_steps(s0, model, lat, 0.005, 100)
    ref = reference_steps(s0, model, lat, 0.005, 100)
    assert fast.psi.dtype == jnp.complex64
    assert _max(ref.psi, s0.psi) > 0.05
    assert _max(fast.psi, ref.psi) < 1e-6 * float(jnp.max(jnp.abs(ref.psi)))
    scale = float(jnp.max(jnp.abs(ref.ax)))
    assert _max(fast.ax, ref.ax) < 1e-6 * scale and _max(fast.ay, ref.ay) < 1e-6 * scale


def test_frozen_layout_choice():
    """The default layout of the frozen-A step (gl.kernel._frozen_layout): on this CPU aligned planes while
    the padded ψ fits gl.kernel.ALIGNED_MAX_BYTES (512² in float32, 256² in float64; the in-cache sizes
    where aligned rows were faster here), plain planes above."""
    import gl.kernel as kernel

    if jax.default_backend() != "cpu":
        pytest.skip("the CPU's choice")
    size = lambda n, itemsize: 2 * (n + 2) ** 2 * itemsize
    assert kernel._frozen_layout(size(512, 4)) == "planes_aligned"
    assert kernel._frozen_layout(size(256, 8)) == "planes_aligned"
    assert kernel._frozen_layout(size(384, 8)) == "planes"
    assert kernel._frozen_layout(size(1024, 4)) == "planes"
