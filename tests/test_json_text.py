"""output/json_text.dumps writes exactly what json.dumps(indent=2, ensure_ascii=False) writes."""

from __future__ import annotations

import enum
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from planlint.output.json_text import dumps

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner) | st.tuples(inner, inner) | st.dictionaries(st.text(), inner),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(values)
def test_the_standard_librarys_text(value: object) -> None:
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


class Level(enum.StrEnum):
    ERROR = "error"


def test_what_it_does_not_write_itself_is_the_standard_librarys() -> None:
    """Keys that are not strings and subclasses of the JSON types are left to json.dumps."""
    for value in ({1: "a", None: [1.5], 2.5: {}, False: 0}, {"level": Level.ERROR}, [Level.ERROR], {"n": float("nan")}):
        assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_nesting_and_empty_containers_as_json_prints_them() -> None:
    assert dumps({"a": [], "b": {}, "c": [1, {"d": "é\n"}]}) == (
        '{\n  "a": [],\n  "b": {},\n  "c": [\n    1,\n    {\n      "d": "é\\n"\n    }\n  ]\n}'
    )
