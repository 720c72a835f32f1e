"""Quick interleaved A/B of the frozen-A step, old tree against new, 1 process per side.

Usage:  for r in 1 2 3; do for w in old new; do python benchmarks/kernel_quick_ab.py $w 512; done; done

The old tree is a git worktree of the commit before wave 2 (git worktree add /tmp/old_main 58b612c).
Both sides: a uniform field in the Landau gauge with compact link rows, complex64, n×n film,
200 steps per call, best of 5 calls after a warm-up; prints M site-updates/s.
"""
import sys, time
which=sys.argv[1]; n=int(sys.argv[2])
if which=="old": sys.path.insert(0,"/tmp/old_main")
import jax; jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
from gl.geometry import Grid, Rectangle
from gl.lattice import make_lattice
real=jnp.float32
grid=Grid(n,n,0.5,0.5); lat=make_lattice(grid, Rectangle(n*0.5,n*0.5), dtype=real)
psi=lat.site.astype(jnp.complex64)
if which=="old":
    from gl.kernel import frozen_steps, pack, uniform_field_links
    links=uniform_field_links(grid, 0.1, real)
    f,site=pack(psi,lat)
    run=lambda f,k: frozen_steps(f,site,links,grid.hx,grid.hy,jnp.float32(0.05/5.79),k)
else:
    from gl.kernel import _driven_links, _kernel_eps, _pad_compact, _unit_phases, frozen_steps, pack  # mirrors run_frozen
    from gl.model import make_model, UNIFORM
    m=make_model(2.0,0.1,vector_potential=UNIFORM,gauge="landau_x",dtype=real)
    unit=tuple(_pad_compact(a,(False,False)) for a in _unit_phases(lat,m,1.0,real))
    links=_driven_links(None,unit,m.field(0.0))
    f,site=pack(psi,lat); eps=_kernel_eps(m,lat,real)
    run=lambda f,k: frozen_steps(f,site,eps,links,None,m,grid.hx,grid.hy,jnp.float32(0),jnp.float32(0.05),k)
f=run(f,10); f.block_until_ready()
k=200
best=1e9
for _ in range(5):
    t=time.perf_counter(); f=run(f,k); f.block_until_ready(); best=min(best,time.perf_counter()-t)
print(which, n, round(n*n*k/best/1e6,1))
