"""``glsim movie DIR``: an animation of the snapshots a run stored with ``--frames N`` (vortex entry
during TDGL): |ψ|², phase and B_z side by side, the time in ns and in t0 on every frame.

GIF through pillow (a matplotlib dependency); MP4 through imageio-ffmpeg when it is installed.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from gl.errors import ParameterError


def _load(path: Path) -> dict:
    import h5py

    try:
        with h5py.File(path, "r") as f:
            if "frame_density" not in f:
                raise ParameterError(f"parameter 'DIR': '{path}' holds no snapshots; run with --frames N (e.g. "
                                     "glsim run --frames 40) to store them")
            d = {k: f[k][()] for k in ("frame_time", "frame_density", "frame_phase", "frame_bz", "x", "y",
                                         "site_mask") if k in f}
            d["frame_time_s"] = f["frame_time_s"][()] if "frame_time_s" in f else None
            d["xi_m"] = float(f.attrs["xi_m"]) if "xi_m" in f.attrs else None
            import json

            meta = json.loads(f.attrs.get("metadata_json", "{}"))
            d["Bc2_mT"] = meta.get("Bc2_mT")
            d["title"] = meta.get("experiment", "")
    except ParameterError:
        raise
    except (OSError, KeyError, ValueError) as e:
        raise ParameterError(f"parameter 'DIR': '{path}' is not a readable result file ({str(e).splitlines()[0]})") from None
    return d


def make_movie(out, output=None, fps: float = 8.0) -> Path:
    """Write the animation of ``out``/result.h5's snapshots to ``output`` (default ``out``/movie.gif).

    Raises:
        ParameterError: naming 'DIR', '--output' or '--fps': no such folder or result, no snapshots,
            an unknown format, or no MP4 writer installed.
    """
    folder = Path(out)
    if not folder.is_dir():
        raise ParameterError(f"parameter 'DIR' = '{out}': " + ("is a file, not a result folder" if folder.exists()
                                                               else "no such folder"))
    result = folder / "result.h5"
    if not result.is_file():
        raise ParameterError(f"parameter 'DIR' = '{out}': holds no result.h5 (movies need glsim run --frames N)")
    if not (np.isfinite(fps) and 0 < fps <= 60):
        raise ParameterError(f"parameter '--fps' = {fps!r} is out of range: allowed (0, 60]")
    target = Path(output) if output else folder / "movie.gif"
    if target.suffix.lower() not in (".gif", ".mp4"):
        raise ParameterError(f"parameter '--output' = '{target}': allowed formats .gif (pillow) and .mp4 (imageio-ffmpeg)")
    d = _load(result)

    from matplotlib import animation

    from .plotting import field_limits, plt

    if target.suffix.lower() == ".mp4":
        try:
            import imageio_ffmpeg

            plt.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
        except ImportError:
            raise ParameterError("parameter '--output': .mp4 needs imageio-ffmpeg (pip install imageio-ffmpeg); "
                                 "or write a .gif") from None
        writer = animation.FFMpegWriter(fps=fps)
    else:
        writer = animation.PillowWriter(fps=fps)

    x, y = d["x"], d["y"]
    ext_nodes = [x[0] - (x[1] - x[0]) / 2, x[-1] + (x[1] - x[0]) / 2, y[0] - (y[1] - y[0]) / 2, y[-1] + (y[1] - y[0]) / 2]
    ext_plaq = [x[0], x[-1], y[0], y[-1]]
    mask = d.get("site_mask")
    bscale, bunit = (d["Bc2_mT"], "mT") if d.get("Bc2_mT") else (1.0, "B_c2")
    bz = d["frame_bz"] * bscale
    blo, bhi, _ = field_limits(bz)                                # A frozen: a flat map, not round-off noise
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.4))
    phase = lambda k: np.ma.masked_where(mask.T == 0, d["frame_phase"][k].T) if mask is not None else d["frame_phase"][k].T
    ims = [axes[0].imshow(d["frame_density"][0].T, origin="lower", extent=ext_nodes, cmap="viridis", vmin=0, vmax=1),
           axes[1].imshow(phase(0), origin="lower", extent=ext_nodes, cmap="twilight", vmin=-np.pi, vmax=np.pi),
           axes[2].imshow(bz[0].T, origin="lower", extent=ext_plaq, cmap="magma", vmin=blo, vmax=bhi)]
    for ax, im, label in zip(axes, ims, ("|ψ|²", "arg ψ [rad]", f"B_z [{bunit}]")):
        ax.set_xlabel("x / ξ")
        ax.set_ylabel("y / ξ")
        ax.set_title(label)
        fig.colorbar(im, ax=ax, shrink=0.8)
    if d["xi_m"]:
        axes[0].set_xlabel(f"x / ξ  (ξ = {d['xi_m'] * 1e9:.3g} nm)")
    title = fig.suptitle("")

    def frame_text(k):
        t = float(d["frame_time"][k])
        si = f"t = {d['frame_time_s'][k] * 1e9:.4g} ns = " if d["frame_time_s"] is not None else "t = "
        return f"{si}{t:.4g} t0   (frame {k + 1}/{len(d['frame_time'])})"

    def update(k):
        ims[0].set_data(d["frame_density"][k].T)
        ims[1].set_data(phase(k))
        ims[2].set_data(bz[k].T)
        title.set_text(frame_text(k))
        return ims + [title]

    update(0)
    fig.tight_layout()
    anim = animation.FuncAnimation(fig, update, frames=len(d["frame_time"]), blit=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.stem + ".tmp" + target.suffix)
    try:
        anim.save(tmp, writer=writer, dpi=90)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        plt.close(fig)
    return target
