"""Test configuration: float64 everywhere, strict rank promotion (as diffrax does)."""
import jax
import numpy as np
import pytest

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_numpy_rank_promotion", "raise")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
