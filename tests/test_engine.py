"""The engine's last word on each finding: the configured severity, whatever the rule computed."""

from __future__ import annotations

from pathlib import Path

import pytest

from planlint.rulebook.registry import load_rules
from planlint.run.config import DEFAULT, load_config
from planlint.run.engine import lint

# sales.revenue = 4000 leads/year x 14% .. 18% x $24k = $13.44M .. $17.28M/year: part of that range
# meets the $15M goal (a warning), none of it meets $20M (an error).
PLAN = """\
team marketing {
  produces leads.volume = 4000 leads/year
  produces leads.win_rate = 14% .. 18%
  produces leads.avg_deal_value = $24k
}
team sales {
  goal sales.revenue >= $15M/year
  goal sales.pipeline >= $20M/year
  derive sales.revenue = leads.volume * leads.win_rate * leads.avg_deal_value
  derive sales.pipeline = leads.volume * leads.win_rate * leads.avg_deal_value
}
"""


def severities(folder: Path, toml: str) -> list[tuple[str, int, str]]:
    (folder / "plan.plan").write_text(PLAN, encoding="utf-8")
    (folder / "planlint.toml").write_text(toml, encoding="utf-8")
    config = load_config(folder / "planlint.toml", load_rules().rules).with_overrides(cache=False)
    return [(f.rule, f.span.line, f.severity.value) for f in lint([folder], config, cwd=folder).findings]


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("", [("goal-shortfall", 7, "warning"), ("goal-shortfall", 8, "error")]),  # as the rule computes them
        ('[severity]\ngoal-shortfall = "info"\n', [("goal-shortfall", 7, "info"), ("goal-shortfall", 8, "info")]),
        ('[severity]\nPL201 = "error"\n', [("goal-shortfall", 7, "error"), ("goal-shortfall", 8, "error")]),
        (
            '[severity]\ngoal-shortfall = "warning"\n',
            [("goal-shortfall", 7, "warning"), ("goal-shortfall", 8, "warning")],
        ),
    ],
)
def test_a_severity_override_applies_to_every_finding_of_the_rule(tmp_path: Path, toml: str, expected: list) -> None:
    assert severities(tmp_path, toml) == expected


def test_a_process_that_checks_again_and_again_still_frees_its_garbage(tmp_path: Path) -> None:
    """A fuzzing campaign grew by 5 GB an hour: every check froze all that was alive (gc.freeze),
    cyclic garbage included, which is then never freed. Only a process that ends once it has
    printed (`one_shot`) freezes."""
    import gc

    (tmp_path / "a.plan").write_text("team a {\n  produces x.y = 1\n}\n", encoding="utf-8")
    gc.unfreeze()
    for cache in (False, True):
        lint([tmp_path], DEFAULT.with_overrides(cache=cache, cache_dir=tmp_path / "cache"), cwd=tmp_path)
        assert gc.get_freeze_count() == 0
    try:
        lint([tmp_path], DEFAULT.with_overrides(cache=False), cwd=tmp_path, one_shot=True)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
