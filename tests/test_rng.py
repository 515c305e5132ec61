import numpy as np

from sim import rng


def test_uniforms_are_in_open_unit_interval_and_roughly_uniform():
    keys = rng.run_keys(7, np.arange(20_000))
    u = rng.uniforms(keys, day=3, stream=2, n=5)
    assert u.shape == (20_000, 5)
    assert u.min() > 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.005
    assert abs(u.var() - 1 / 12) < 0.002
    # draws of different columns, days and streams are uncorrelated
    other = rng.uniforms(keys, day=4, stream=2, n=5)
    assert abs(np.corrcoef(u[:, 0], u[:, 1])[0, 1]) < 0.03
    assert abs(np.corrcoef(u[:, 0], other[:, 0])[0, 1]) < 0.03


def test_a_runs_draws_depend_only_on_its_key_not_on_the_batch():
    indices = np.arange(1000)
    batch = rng.uniforms(rng.run_keys(11, indices), day=9, stream=2, n=20)
    for k in (0, 1, 517, 999):
        alone = rng.uniforms(rng.run_keys(11, np.array([k])), day=9, stream=2, n=20)
        assert np.array_equal(alone[0], batch[k])


def test_seeds_and_run_indices_give_distinct_keys():
    keys = np.concatenate([rng.run_keys(s, np.arange(5000)) for s in range(4)])
    assert len(np.unique(keys)) == keys.size


def test_logistic_noise_has_zero_mean_and_unit_variance():
    u = rng.uniforms(rng.run_keys(3, np.arange(200_000)), 1, 2, 1)[:, 0]
    z = rng.logistic_noise(u)
    assert abs(z.mean()) < 0.01
    assert abs(z.var() - 1.0) < 0.02
