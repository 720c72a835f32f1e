"""Least-squares and Gaussian-likelihood fits of named, bounded model parameters to data.

A :class:`FitModel` bundles a differentiable prediction ``predict(params, x)`` with its named
:class:`Parameter` s (initial values, units, bounds). :func:`fit` adjusts the free parameters to
minimise

    χ²(θ) = Σ_i ((predict(θ, x_i) − y_i) / σ_i)²

over the data points inside the model's fit window, and returns a :class:`FitResult` with the
values, standard errors, covariance and correlation matrices and goodness-of-fit numbers.

Method
------
* **Transformed coordinates.** The optimiser works on unconstrained, O(1) internal coordinates u:
  an unbounded parameter is p = s·u (s = its scale); a parameter with only a lower bound L is
  p = L + s·exp(u) (the log transform, so it can never cross L); only an upper bound U gives
  p = U − s·exp(u); two bounds give the scaled logistic p = L + (U − L)·sigmoid(u). A free
  parameter must therefore start strictly inside its bounds.
* **Optimiser.** Levenberg–Marquardt (a trust-region Gauss–Newton method; Levenberg 1944,
  Marquardt 1963; Nocedal & Wright, *Numerical Optimization*, 2nd ed., §10.3) from
  ``optimistix`` (Rader, Lyons & Kidger 2024, arXiv:2402.09983), with exact Jacobians from JAX.
  The model is evaluated over all data points in one call (models vectorise over ``x``,
  e.g. with ``jax.vmap``). ``starts > 1`` repeats the solve from random starting points (see
  :func:`fit`) and keeps the lowest χ².
* **Uncertainties.** From the Gauss–Newton approximation of the Hessian at the optimum:
  with J = ∂r/∂θ the Jacobian of the σ-weighted residuals r_i = (predict_i − y_i)/σ_i with
  respect to the *physical* free parameters, Cov(θ) = (JᵀJ)⁻¹ (Press et al., *Numerical
  Recipes*, 3rd ed., §15.5). When no σ is given, unit weights are used and the covariance is
  scaled by the residual variance s² = χ²/dof (dof = n − k), which for a linear model is the
  textbook ordinary-least-squares result (e.g. Draper & Smith, *Applied Regression Analysis*,
  ch. 1). The inverse is taken by an SVD of the column-normalised Jacobian, so parameters of
  very different magnitudes (K next to A/m²) do not spoil the conditioning. The correlation is
  C_ij = Cov_ij / √(Cov_ii Cov_jj).
* **Gaussian likelihood.** ``likelihood="gaussian"`` additionally estimates a common noise
  level by maximum likelihood. For y_i ~ N(predict_i, (k·w_i)²), with w_i = 1 (no σ given: the
  noise σ = k is common to all points) or w_i = σ_i (given σ are relative weights, scaled by a
  common factor k), the log-likelihood is
  ln L = −Σ ln(k w_i) − (n/2) ln 2π − χ²_w/(2k²), χ²_w = Σ((predict_i − y_i)/w_i)². For any k
  its maximum over θ is the minimum of χ²_w, so Levenberg–Marquardt on the w-weighted
  residuals gives the maximum-likelihood location parameters exactly; then k̂² = χ²_w/n
  (closed form), with asymptotic standard error k̂/√(2n) from the Fisher information, and
  Cov(θ) = k̂²(J_wᵀJ_w)⁻¹. (k̂² divides by n, not n − k: it is the biased ML estimate.)

All numbers are float64 (JAX's 64-bit mode is switched on by :func:`fit` if it is off).
"""
from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from .errors import ParameterError

LIKELIHOODS = ("least_squares", "gaussian")


@dataclasses.dataclass(frozen=True)
class Parameter:
    """A named model parameter.

    Attributes:
        value: initial value [``unit``].
        unit: its unit, e.g. ``"K"``, ``"A/m^2"`` (free text, used in output only).
        lower, upper: bounds [``unit``] or None. ``(L, None)`` → log transform (stays > L);
            ``(None, U)`` → stays < U; ``(L, U)`` → scaled logistic; ``(None, None)`` → identity.
        description: one line for listings.
        scale: typical magnitude [``unit``] for conditioning; default ``|value|``, or 1 if value is 0.
    """

    value: float
    unit: str
    lower: float | None = None
    upper: float | None = None
    description: str = ""
    scale: float | None = None


@dataclasses.dataclass(frozen=True)
class FitModel:
    """A model to fit: named parameters and a differentiable prediction.

    Attributes:
        name: identifier (used by ``glsim fit NAME``).
        description: one line.
        x_column: CSV column of the independent variable, unit in the name (e.g. ``"T_K"``).
        y_column: CSV column of the dependent variable (e.g. ``"Jc_A_per_m2"``).
        parameters: name → :class:`Parameter` (insertion order is the reporting order).
        predict: ``predict(params, x) -> y``: ``params`` maps every parameter name to a JAX
            scalar [its unit], ``x`` is a JAX array (n,) [x unit]; returns (n,) [y unit].
            Must be JAX-traceable and differentiable in ``params``.
        window: optional ``window(x: np.ndarray (n,), params: dict[str, float]) -> bool mask (n,)``
            of the points used in the fit, evaluated once at the initial parameter values
            (points outside are shown but not fitted). Default: all points.
        source: citation of the physics and of the data.
        x_label, y_label: axis labels for figures (default: the column names).
        rtol: relative Levenberg–Marquardt tolerance for this model (None: :func:`fit`'s). A model
            whose value comes from an iterative solve is smooth only to that solve's accuracy
            and needs a looser tolerance than 1e-10.
    """

    name: str
    description: str
    x_column: str
    y_column: str
    parameters: dict[str, Parameter]
    predict: Callable
    window: Callable | None = None
    source: str = ""
    x_label: str = ""
    y_label: str = ""
    rtol: float | None = None


@dataclasses.dataclass(frozen=True)
class FitResult:
    """The outcome of :func:`fit`.

    Attributes:
        values: name → fitted value for every parameter (fixed ones included) [its unit].
        stderr: name → standard error (1σ) [its unit]; 0.0 for fixed parameters, NaN when
            undefined (rank-deficient Jacobian, or dof = 0 without a given σ).
        correlation: (k, k) correlation matrix of the free parameters, order of ``names``.
        names: the k free parameters, in order.
        chi2: Σ((predict − y)/σ)² over the fitted points with the σ given; with no σ given,
            the unit-weight sum of squared residuals [y unit²].
        reduced_chi2: chi2 / dof (NaN if dof = 0).
        dof: degrees of freedom, n_used − k.
        iterations: Levenberg–Marquardt steps of the kept start.
        converged: the kept start met the tolerance within the step limit.
        wall_time_s: wall time of the whole fit, compilation included [s].
        sigma: the y uncertainties used in the covariance [y unit]: the given σ (float or (n,)),
            or the estimate √(χ²/dof) (least squares, no σ), or the maximum-likelihood noise
            (``likelihood="gaussian"``); how it was obtained is in ``sigma_source``.
        covariance: (k, k) covariance of the free parameters [unit_i·unit_j].
        sigma_source: how ``sigma`` was obtained, in words.
        likelihood: "least_squares" or "gaussian".
        log_likelihood: maximum Gaussian log-likelihood (``likelihood="gaussian"``), else None.
        noise_scale, noise_scale_stderr: the ML common noise σ [y unit] (no σ given) or the
            dimensionless factor k multiplying the given σ, and its asymptotic standard error;
            None for least squares.
        mask: (n,) bool, the points inside the fit window.
        n_used, n_total: points fitted / given.
        starts_chi2: χ² reached from each start (inf for a failed start), first = initial values.
        message: optimiser status of the kept start, plus warnings.
    """

    values: dict[str, float]
    stderr: dict[str, float]
    correlation: np.ndarray
    names: list[str]
    chi2: float
    reduced_chi2: float
    dof: int
    iterations: int
    converged: bool
    wall_time_s: float
    sigma: float | np.ndarray
    covariance: np.ndarray
    sigma_source: str = ""
    likelihood: str = "least_squares"
    log_likelihood: float | None = None
    noise_scale: float | None = None
    noise_scale_stderr: float | None = None
    mask: np.ndarray | None = None
    n_used: int = 0
    n_total: int = 0
    starts_chi2: list[float] = dataclasses.field(default_factory=list)
    message: str = ""


# --------------------------------------------------------------------------- transforms


def _to_physical(kind: str, lower, upper, scale, u):
    """p(u) for a transform of the given kind (lower/upper/scale may be traced)."""
    if kind == "identity":
        return scale * u
    if kind == "lower":
        return lower + scale * jnp.exp(u)
    if kind == "upper":
        return upper - scale * jnp.exp(u)
    return lower + (upper - lower) * jax.nn.sigmoid(u)


@dataclasses.dataclass(frozen=True)
class _Transform:
    """Map between a physical parameter p and its unconstrained internal coordinate u."""

    kind: str  # "identity" | "lower" | "upper" | "interval"
    lower: float
    upper: float
    scale: float

    def to_physical(self, u):
        return _to_physical(self.kind, self.lower, self.upper, self.scale, u)

    def to_internal(self, p: float) -> float:
        if self.kind == "identity":
            return p / self.scale
        if self.kind == "lower":
            return math.log((p - self.lower) / self.scale)
        if self.kind == "upper":
            return math.log((self.upper - p) / self.scale)
        f = (p - self.lower) / (self.upper - self.lower)
        return math.log(f / (1.0 - f))

    def draw(self, p0: float, rng: np.random.Generator) -> float:
        """A random starting point (physical): uniform (log-uniform if 0 < L and U/L ≥ 100) on
        [L + 1%, U − 1%] of the interval for two bounds; distance to the bound ×/÷ up to 3 for
        one bound; p0 ± up to 3·scale for none."""
        if self.kind == "interval":
            lo, hi = self.lower, self.upper
            if lo > 0 and hi / lo >= 100.0:
                return float(lo * (hi / lo) ** rng.uniform(0.01, 0.99))
            return float(lo + (hi - lo) * rng.uniform(0.01, 0.99))
        if self.kind == "lower":
            return float(self.lower + (p0 - self.lower) * 3.0 ** rng.uniform(-1.0, 1.0))
        if self.kind == "upper":
            return float(self.upper - (self.upper - p0) * 3.0 ** rng.uniform(-1.0, 1.0))
        return float(p0 + 3.0 * self.scale * rng.uniform(-1.0, 1.0))


def _bound_text(par: Parameter) -> str:
    lo = "-inf" if par.lower is None else f"{par.lower:g}"
    hi = "inf" if par.upper is None else f"{par.upper:g}"
    return f"({lo}, {hi}) {par.unit}".rstrip()


def _transform(name: str, par: Parameter, value: float) -> _Transform:
    lo, hi = par.lower, par.upper
    if lo is not None and hi is not None and not lo < hi:
        raise ParameterError(f"parameter '{name}': lower bound {lo!r} must be below upper bound {hi!r}")
    inside = math.isfinite(value) and (lo is None or value > lo) and (hi is None or value < hi)
    if not inside:
        raise ParameterError(
            f"parameter '{name}' = {value!r} {par.unit}: a free parameter must start strictly inside its "
            f"bounds {_bound_text(par)}")
    if par.scale is not None:
        if not (math.isfinite(par.scale) and par.scale > 0):
            raise ParameterError(f"parameter '{name}': scale = {par.scale!r} must be finite and > 0")
        scale = float(par.scale)
    else:
        scale = abs(value) if value != 0 else 1.0
    if lo is None and hi is None:
        return _Transform("identity", -math.inf, math.inf, scale)
    if hi is None:
        return _Transform("lower", float(lo), math.inf, scale)
    if lo is None:
        return _Transform("upper", -math.inf, float(hi), scale)
    return _Transform("interval", float(lo), float(hi), scale)


# --------------------------------------------------------------------------- helpers


def _as_1d(name: str, a, n: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ParameterError(f"parameter '{name}': not numeric ({e})") from None
    if arr.ndim != 1:
        raise ParameterError(f"parameter '{name}': must be a 1-D array, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ParameterError(f"parameter '{name}': length {arr.shape[0]} differs from len(x) = {n}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ParameterError(f"parameter '{name}': non-finite value {arr[bad[0]]!r} at index {bad[0]}; "
                             "all values must be finite")
    return arr


def _select(model: FitModel, free, fixed) -> tuple[list[str], dict[str, float]]:
    """Free names (in model order) and the values of all parameters at the start."""
    known = list(model.parameters)
    fixed = dict(fixed or {})
    for k in fixed:
        if k not in model.parameters:
            raise ParameterError(f"parameter 'fixed': unknown parameter {k!r} of model '{model.name}': "
                                 f"allowed {known}")
    if free is None:
        free_names = [k for k in known if k not in fixed]
    else:
        free = list(free)
        for k in free:
            if k not in model.parameters:
                raise ParameterError(f"parameter 'free': unknown parameter {k!r} of model '{model.name}': "
                                     f"allowed {known}")
            if k in fixed:
                raise ParameterError(f"parameter '{k}' is both free and fixed; choose one")
        free_names = [k for k in known if k in free]
    if not free_names:
        raise ParameterError(f"parameter 'free': no free parameters left for model '{model.name}'; "
                             f"free at least one of {known}")
    start = {}
    for k, par in model.parameters.items():
        v = fixed.get(k, par.value)
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise ParameterError(f"parameter '{k}' = {v!r}: not a number") from None
        if k in fixed:
            ok = math.isfinite(v) and (par.lower is None or v >= par.lower) and (par.upper is None or v <= par.upper)
            if not ok:
                raise ParameterError(f"parameter '{k}' = {v!r} {par.unit} (fixed) is out of range: allowed "
                                     f"{_bound_text(par)}")
        start[k] = v
    return free_names, start


def _window_mask(model: FitModel, x: np.ndarray, start: dict[str, float], window) -> np.ndarray:
    if isinstance(window, str):
        if window == "all" or model.window is None:
            if window not in ("all", "default"):
                raise ParameterError(f"parameter 'window' = {window!r} is out of range: allowed 'default', 'all' "
                                     "or a boolean mask")
            return np.ones(x.shape, dtype=bool)
        if window != "default":
            raise ParameterError(f"parameter 'window' = {window!r} is out of range: allowed 'default', 'all' "
                                 "or a boolean mask")
        mask = np.asarray(model.window(x.copy(), dict(start)))
    else:
        mask = np.asarray(window)
    if mask.shape != x.shape or not (mask.dtype == bool or np.issubdtype(mask.dtype, np.integer)):
        raise ParameterError(f"parameter 'window': the window of model '{model.name}' must be a boolean mask of "
                             f"shape {x.shape}, got dtype {mask.dtype} shape {mask.shape}")
    return mask.astype(bool)


def _finite(v) -> float:
    v = float(v)
    return v if math.isfinite(v) else math.nan


# --------------------------------------------------------------------------- fit


@functools.lru_cache(maxsize=64)
def _kernels(predict, names: tuple, free_idx: tuple, kinds: tuple, rtol: float, atol: float, max_steps: int):
    """Compiled (solve, residual, Jacobian) for one model structure; the data and values are arguments,
    so repeated fits of a model (same number of points) reuse the compilation.

    args = (x (n,), y (n,), internal weights (n,), 1/σ (n,), all start values (m,), lower (k,),
    upper (k,), scale (k,))."""
    import optimistix as optx

    solver = optx.LevenbergMarquardt(rtol=rtol, atol=atol)

    def params(pvec, allvals):
        vals = [allvals[j] for j in range(len(names))]
        for i, j in enumerate(free_idx):
            vals[j] = pvec[i]
        return dict(zip(names, vals))

    def residual_internal(u, args):
        xw, yw, inv_w_int, _, allvals, lo, hi, sc = args
        pvec = [_to_physical(kind, lo[i], hi[i], sc[i], u[i]) for i, kind in enumerate(kinds)]
        return (predict(params(pvec, allvals), xw) - yw) * inv_w_int

    def residual_physical(pvec, args):
        xw, yw, _, inv_w, allvals = args[:5]
        return (predict(params([pvec[i] for i in range(len(free_idx))], allvals), xw) - yw) * inv_w

    @jax.jit
    def solve(u0, args):
        sol = optx.least_squares(residual_internal, solver, u0, args, max_steps=max_steps, throw=False)
        r = residual_internal(sol.value, args)
        return sol.value, sol.result == optx.RESULTS.successful, sol.stats["num_steps"], jnp.sum(r * r)

    return solve, jax.jit(residual_physical), jax.jit(jax.jacfwd(residual_physical))


def fit(model: FitModel, x, y, sigma=None, *, free: list[str] | None = None, fixed: dict[str, float] | None = None,
        starts: int = 1, seed: int = 0, likelihood: str = "least_squares", window="default",
        rtol: float = 1e-10, atol: float = 1e-12, max_steps: int = 1000) -> FitResult:
    """Fit the free parameters of ``model`` to the points (x, y[, σ]) by Levenberg–Marquardt.

    Args:
        model: the :class:`FitModel`.
        x: (n,) independent variable [model x unit].
        y: (n,) data [model y unit].
        sigma: None, a scalar or (n,) 1σ uncertainties of y [y unit], all finite and > 0. With
            None, unit weights are used and σ is estimated afterwards (see module docstring).
        free: names of the parameters to fit (default: all not in ``fixed``). Parameters that
            are neither free nor in ``fixed`` stay at their initial values.
        fixed: name → value held fixed [its unit]; must lie within the parameter's bounds.
        starts: number of starting points (≥ 1). The first is the initial values; the others
            are drawn with ``numpy.random.default_rng(seed)``: within two bounds uniformly
            (log-uniformly if 0 < lower and upper/lower ≥ 100), with one bound the distance to it
            multiplied by 3^U(−1,1), with none p0 ± 3·scale·U(−1,1). The lowest χ² is kept.
        seed: seed of those draws.
        likelihood: "least_squares" (χ² minimisation) or "gaussian" (also estimate a common
            noise level by maximum likelihood; see module docstring).
        window: "default" (the model's window, evaluated at the initial values), "all", or a
            boolean mask (n,).
        rtol, atol: Levenberg–Marquardt Cauchy tolerances on the internal coordinates and on
            the scaled residuals.
        max_steps: step limit of each solve.

    Returns:
        :class:`FitResult`.

    Raises:
        ParameterError: unknown free/fixed names; a free initial value not strictly inside its
            bounds, or a fixed value outside them; x, y, σ not finite 1-D arrays of one length,
            σ ≤ 0; fewer fitted points than free parameters; non-finite model output at the
            initial values; unknown ``likelihood`` or ``window``; ``starts`` < 1.

    Sources: Levenberg (1944), Marquardt (1963); Press et al., *Numerical Recipes* 3rd ed. §15.5;
    optimistix (arXiv:2402.09983).
    """
    t0 = time.perf_counter()
    if not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
    if likelihood not in LIKELIHOODS:
        raise ParameterError(f"parameter 'likelihood' = {likelihood!r} is out of range: allowed {list(LIKELIHOODS)}")
    if int(starts) != starts or starts < 1:
        raise ParameterError(f"parameter 'starts' = {starts!r} is out of range: allowed integers >= 1")
    starts = int(starts)
    x = _as_1d("x", x)
    n_total = x.shape[0]
    y = _as_1d("y", y, n_total)
    if sigma is None:
        sig = None
    else:
        s_arr = np.asarray(sigma, dtype=np.float64)
        sig = _as_1d("sigma", np.broadcast_to(s_arr, x.shape) if s_arr.ndim == 0 else s_arr, n_total)
        if np.any(sig <= 0):
            i = int(np.flatnonzero(sig <= 0)[0])
            raise ParameterError(f"parameter 'sigma' = {sig[i]!r} at index {i} is out of range: must be > 0")

    free_names, start = _select(model, free, fixed)
    transforms = [_transform(k, model.parameters[k], start[k]) for k in free_names]
    k = len(free_names)
    mask = _window_mask(model, x, start, window)
    n = int(mask.sum())
    if n < k:
        raise ParameterError(f"parameter 'window': {n} data point(s) in the fit window of model '{model.name}' "
                             f"but {k} free parameters {free_names}; need at least as many points as free "
                             "parameters")

    w = np.ones(n) if sig is None else sig[mask]
    # Internal residual weights: 1/σ, or 1/(typical |y|) when no σ is given (O(1) residuals for the
    # tolerances; a constant factor does not move the minimum).
    y_scale = float(np.max(np.abs(y[mask]))) or 1.0

    def f64(a):
        return jnp.asarray(a, dtype=jnp.float64)

    args = (f64(x[mask]), f64(y[mask]), f64(1.0 / (w * (y_scale if sig is None else 1.0))), f64(1.0 / w),
            f64([start[m] for m in model.parameters]), f64([t.lower for t in transforms]),
            f64([t.upper for t in transforms]), f64([t.scale for t in transforms]))
    if model.rtol is not None:
        rtol, atol = max(rtol, model.rtol), max(atol, model.rtol * 1e-2)
    key = (model.predict, tuple(model.parameters), tuple(list(model.parameters).index(m) for m in free_names),
           tuple(t.kind for t in transforms), float(rtol), float(atol), int(max_steps))
    try:
        solve, residual_physical, jacobian = _kernels(*key)
    except TypeError:  # an unhashable predict: compile without caching
        solve, residual_physical, jacobian = _kernels.__wrapped__(*key)

    # Non-finite model output at the start is an input error, named.
    u_init = np.array([t.to_internal(start[name]) for t, name in zip(transforms, free_names)])
    r0 = np.asarray(residual_physical(f64([start[m] for m in free_names]), args))
    if r0.shape != (n,):
        raise ParameterError(f"model '{model.name}': predict returned shape {r0.shape}, expected ({n},) "
                             "(one value per x)")
    if not np.all(np.isfinite(r0)):
        i = int(np.flatnonzero(~np.isfinite(r0))[0])
        raise ParameterError(
            f"model '{model.name}': non-finite prediction at the initial parameter values "
            f"{ {m: start[m] for m in model.parameters} } at x = {float(x[mask][i])!r}; change the initial "
            "values (or --fix/--window) so the model is defined on the fitted points")

    rng = np.random.default_rng(seed)
    u_starts = [u_init]
    for _ in range(starts - 1):
        u_starts.append(np.array([t.to_internal(t.draw(start[name], rng))
                                  for t, name in zip(transforms, free_names)]))
    best = None
    starts_chi2 = []
    for u0 in u_starts:
        u, ok, steps, cost = solve(f64(u0), args)
        cost = float(cost)
        cost = cost if math.isfinite(cost) else math.inf
        # χ² with the user's weights (internal residuals may be scaled by y_scale).
        starts_chi2.append(cost * (y_scale ** 2 if sig is None else 1.0))
        if best is None or cost < best[3]:
            best = (np.asarray(u), bool(ok), int(steps), cost)
    u, converged, iterations, _ = best
    if not math.isfinite(best[3]):
        raise ParameterError(f"model '{model.name}': the fit diverged from every start (non-finite χ²); "
                             "check the initial values and bounds")

    p_star = np.array([float(t.to_physical(u[i])) for i, t in enumerate(transforms)])
    r = np.asarray(residual_physical(f64(p_star), args))
    chi2 = float(np.sum(r * r))
    dof = n - k
    reduced = chi2 / dof if dof > 0 else math.nan

    # Gauss–Newton covariance (JᵀJ)⁻¹ in physical coordinates, via SVD of the column-normalised J.
    jac = np.asarray(jacobian(f64(p_star), args))
    col = np.linalg.norm(jac, axis=0)
    message = "converged" if converged else "not converged (step limit reached or solver failure)"
    if np.all(col > 0) and np.all(np.isfinite(jac)):
        _, sv, vt = np.linalg.svd(jac / col, full_matrices=False)
        if sv[-1] > sv[0] * max(n, k) * np.finfo(np.float64).eps * 10:
            inv = (vt.T / sv ** 2) @ vt
            cov = inv / np.outer(col, col)
        else:
            cov = np.full((k, k), math.nan)
            message += "; Jacobian rank-deficient: parameters not separately identifiable, errors undefined"
    else:
        cov = np.full((k, k), math.nan)
        message += "; some parameter does not affect the fitted points: errors undefined"

    log_like = noise = noise_err = None
    if likelihood == "gaussian":
        k2 = chi2 / n
        cov = cov * k2
        noise = math.sqrt(k2)
        noise_err = noise / math.sqrt(2 * n)
        log_like = float(-np.sum(np.log(noise * w)) - 0.5 * n * math.log(2 * math.pi) - 0.5 * n)
        if sig is None:
            sigma_used = noise
            sigma_source = ("maximum-likelihood common noise σ = √(Σr²/n) (Gaussian likelihood, no σ given)")
        else:
            sigma_used = sig * noise
            sigma_source = ("given σ scaled by the maximum-likelihood factor k = √(χ²/n) (Gaussian likelihood)")
    elif sig is None:
        s2 = reduced
        cov = cov * s2
        sigma_used = math.sqrt(s2) if math.isfinite(s2) else math.nan
        sigma_source = ("estimated from the residuals: σ² = χ²/dof with unit weights (no uncertainties given); "
                        "χ² is the unit-weight sum of squared residuals")
    else:
        sigma_used = float(sig[0]) if np.all(sig == sig[0]) and np.ndim(sigma) == 0 else sig
        sigma_source = "given"

    err = np.sqrt(np.diag(cov)) if np.all(np.isfinite(cov)) else np.full(k, math.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(err, err)
    corr = 0.5 * (corr + corr.T)
    np.fill_diagonal(corr, np.where(np.isfinite(err), 1.0, math.nan))

    values = {name: float(start[name]) for name in model.parameters}
    stderr = {name: 0.0 for name in model.parameters}
    for i, name in enumerate(free_names):
        values[name] = float(p_star[i])
        stderr[name] = _finite(err[i])
    return FitResult(
        values=values, stderr=stderr, correlation=corr, names=list(free_names), chi2=chi2,
        reduced_chi2=reduced, dof=dof, iterations=iterations, converged=converged,
        wall_time_s=time.perf_counter() - t0, sigma=sigma_used, covariance=cov, sigma_source=sigma_source,
        likelihood=likelihood, log_likelihood=log_like, noise_scale=noise, noise_scale_stderr=noise_err,
        mask=mask, n_used=n, n_total=n_total, starts_chi2=starts_chi2, message=message)


def evaluate(model: FitModel, values: dict[str, float], x) -> np.ndarray:
    """``model.predict`` at physical ``values`` (name → float, all parameters) on ``x`` (n,).

    Returns a float64 numpy array (n,) [y unit]; points where the model is undefined are NaN.

    Raises:
        ParameterError: if a parameter of the model is missing from ``values``.
    """
    if not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
    missing = [k for k in model.parameters if k not in values]
    if missing:
        raise ParameterError(f"parameter 'values': missing {missing} for model '{model.name}'")
    p = {k: jnp.asarray(float(values[k]), dtype=jnp.float64) for k in model.parameters}
    return np.asarray(model.predict(p, jnp.asarray(np.asarray(x, dtype=np.float64))), dtype=np.float64)
