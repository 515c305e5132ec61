import numpy as np
import pytest

import sim
from sim.params import GROUPS, ParamError, resolve
from sim.scenarios import SCENARIOS, make


def test_every_parameter_is_documented_and_its_default_is_in_range():
    for name, spec in sim.PARAMS.items():
        assert spec.meaning and spec.source and spec.group in GROUPS, name
        assert spec.low <= spec.default <= spec.high, name
        if spec.kind == "choice":
            assert 0 <= spec.default < len(spec.choices)
        else:
            assert spec.unit or spec.kind == "bool", name


def test_sources_citing_facts_name_a_row_of_the_shipped_table():
    from sim.datasets import facts
    quantities = set(facts()["quantity"])
    for spec in sim.PARAMS.values():
        if spec.source.startswith("facts: '"):
            cited = spec.source.split("'")[1]
            assert cited in quantities, (spec.name, cited)


def test_presets_are_data_over_leader_rules_only():
    state_like = {"grid_initial_gw", "nwf_initial_bn_usd", "ukraine_support_initial",
                  "us_sanctions_initial", "eu_sanctions_initial"}
    for scenario in SCENARIOS.values():
        assert len(scenario.description) > 100
        assert not state_like & set(scenario.overrides), scenario.name
        make(scenario.name)  # validates


def test_per_run_arrays_and_errors():
    p = resolve({"trump_aid_level": np.array([0.1, 0.5, 1.0])}, 3)
    assert p.trump_aid_level.shape == (3,)
    with pytest.raises(ParamError, match="shape"):
        resolve({"trump_aid_level": np.array([0.1, 0.5])}, 3)
    with pytest.raises(ParamError, match=r"trump_aid_level=2.0 is not allowed: a number in \[0, 1.5\]"):
        resolve({"trump_aid_level": 2.0}, 1)
    with pytest.raises(ParamError, match="putin_strategy"):
        resolve({"putin_strategy": "bluff"}, 1)
    with pytest.raises(ParamError, match="parameter='nonsense'"):
        resolve({"nonsense": 1}, 1)
    assert resolve({"putin_strategy": "serious"}, 1).putin_strategy == 3


def test_params_pickle_and_copy_as_what_they_are_built_from():
    """A Dask worker or a copy gets the same values (the default protocol set the slots of an
    immutable object one by one, and failed)."""
    import copy
    import pickle
    p = resolve({"trump_aid_level": np.array([0.1, 0.5, 1.0])}, 3)
    for q in (pickle.loads(pickle.dumps(p)), copy.deepcopy(p)):
        assert q.n_runs == 3 and q.values.keys() == p.values.keys()
        assert np.array_equal(q.trump_aid_level, p.trump_aid_level)
        assert q.putin_strategy == p.putin_strategy


def test_the_model_doc_table_states_each_parameters_default_range_unit_and_source():
    """Each parameter has exactly one row, and that row's cells are its spec's values."""
    from sim.docs import parameter_table
    rows = {}
    for line in parameter_table().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[0].startswith("`"):
            name = cells[0].strip("`")
            assert name not in rows, f"{name} has two rows"
            rows[name] = cells
    assert set(rows) == set(sim.PARAMS)
    for name, spec in sim.PARAMS.items():
        default, allowed, unit, meaning, source = rows[name][1:6]
        assert default == spec.default_text(), name
        if spec.kind not in ("choice", "bool"):
            assert allowed == f"{spec.low:g} to {spec.high:g}", name
        assert unit == spec.unit and meaning == spec.meaning, name
        assert source.startswith(spec.source) and spec.source, name


def test_docs_model_md_carries_the_current_parameter_table():
    from pathlib import Path

    from sim.docs import BEGIN, END, parameter_table
    text = (Path(__file__).parent.parent / "docs" / "MODEL.md").read_text(encoding="utf-8")
    current = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert current == "\n" + parameter_table(), "run: python -m sim.docs docs/MODEL.md"


def test_every_recorded_trajectory_is_declared_once_and_model_md_lists_them():
    from pathlib import Path

    import sim
    from sim.docs import TRAJECTORY_BEGIN, TRAJECTORY_END, trajectory_table
    from sim.trajectories import TRAJECTORIES
    recorded = sim.simulate(runs=2, days=2).trajectories
    assert list(recorded) == list(TRAJECTORIES)
    for spec in TRAJECTORIES.values():
        assert spec.label and spec.unit and spec.meaning and spec.display_scale > 0, spec.name
    text = (Path(__file__).parent.parent / "docs" / "MODEL.md").read_text(encoding="utf-8")
    current = text.split(TRAJECTORY_BEGIN, 1)[1].split(TRAJECTORY_END, 1)[0]
    assert current == "\n" + trajectory_table(), "run: python -m sim.docs docs/MODEL.md"


def test_every_outcome_is_declared_once_with_label_unit_and_meaning():
    import sim
    from sim.outcomes import OUTCOMES, summarise

    model = sim.ConflictModel(n_runs=3, days=5, rng=1)
    model.run()
    produced = set(summarise(model.state, model.params)) - {"outcome_code"}
    assert produced == set(OUTCOMES)
    for spec in OUTCOMES.values():
        assert spec.label and spec.unit and spec.meaning, spec.name
    from pathlib import Path

    from sim.docs import OUTCOME_BEGIN, OUTCOME_END, outcome_table
    text = (Path(__file__).parent.parent / "docs" / "MODEL.md").read_text(encoding="utf-8")
    current = text.split(OUTCOME_BEGIN, 1)[1].split(OUTCOME_END, 1)[0]
    assert current == "\n" + outcome_table(), "run: python -m sim.docs docs/MODEL.md"
