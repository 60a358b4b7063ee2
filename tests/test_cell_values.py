"""A sheet's computed values held as runs and single cells read as one dict would."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlkpi.workbook.cell_values import RUN_FROM, CellValues, addresses

#: (op, col, row, length): a run added, a cell set, a cell deleted
_OPS = st.lists(st.tuples(st.sampled_from(["run", "set", "del"]), st.integers(1, 3),
                          st.integers(1, 400), st.integers(1, 3 * RUN_FROM)), max_size=25)


@given(_OPS)
def test_cell_values_read_as_the_dict_of_the_same_writes(ops):
    """Whatever the writes (runs overlapping runs or cells, a cell of a run set again or
    deleted), the mapping has the same keys, values and order as a dict given them."""
    held, model = CellValues(), {}
    for step, (op, col, row, length) in enumerate(ops):
        if op == "run":
            values = [float(step * 1000 + k) for k in range(length)]
            held.add_run(col, row, values)
            for k, value in enumerate(values):
                model[(row + k, col)] = value
        elif op == "set":
            held[(row, col)] = model[(row, col)] = f"text {step}"
        elif (row, col) in model:
            del held[(row, col)]
            del model[(row, col)]
        else:
            with pytest.raises(KeyError):
                del held[(row, col)]
    assert len(held) == len(model)
    assert dict(held.items()) == model and held == model
    assert held.values() == [model[key] for key in held]
    assert list(zip(held, held.values(), strict=True)) == held.items()
    rows, cols = addresses(held)
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == list(held)
    for key, value in model.items():
        assert key in held and held[key] == value and held.get(key) == value
    assert (999, 1) not in held and held.get((999, 1)) is None


def test_a_long_column_of_numbers_is_one_run_and_no_keys_are_made():
    held = CellValues()
    held.add_run(4, 2, [1.0] * 1000)
    held.add_run(4, 1002, [2.0] * (RUN_FROM - 1))  # short: cell by cell
    held[(1, 4)] = "top"
    assert repr(held) == f"CellValues({1000 + RUN_FROM} cells, 1 runs)"
    assert held[(1001, 4)] == 1.0 and held[(1002, 4)] == 2.0 and held[(1, 4)] == "top"
    rows, cols = addresses(held)
    assert rows[0] == 1002 and (cols == 4).all() and np.array_equal(
        np.sort(rows), np.arange(1, 1002 + RUN_FROM - 1))
    assert addresses({(3, 1): 0, (5, 2): 1})[0].tolist() == [3, 5]
