#!/usr/bin/env bash
# Mutation testing of analysis/ and rules/ with mutmut 3 (issue 17): do the tests pin what the
# arithmetic and the rules compute? Long (hours on 2 cores): never part of .ci/run. The table in MUTATION.md:
# `python benchmarks/mutation_report.py WORK_FOLDER [--survivors]`, also while the run goes on.
#
#     bash benchmarks/mutation.sh [WORK_FOLDER]     # JOBS=2 for two mutants at a time
#     MUTANTS='planlint.analysis.trace.*' bash benchmarks/mutation.sh    # one module's mutants only
#
# mutmut copies the source into mutants/ and imports it from there, so it works on a copy of the
# project laid out as a wheel installs it (rules/ as planlint/rules, grammar/ as
# planlint/language/grammar) in a virtual environment without planlint installed. Every module
# outside analysis/ and rules/ is listed in do_not_mutate. The tests chosen are those that judge
# plans in this process: a mutant's code in a `python -m planlint` subprocess cannot find mutmut's
# configuration, so the few tests that start one are deselected. The results: benchmarks/MUTATION.md.
set -euo pipefail

project=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/planlint-mutation}
rm -rf "$work"
mkdir -p "$work"
cp -r "$project"/{src,tests,examples,benchmarks,fuzz,pyproject.toml} "$work"
cp -r "$project/rules" "$work/src/planlint/rules"
mkdir -p "$work/src/planlint/language/grammar"
find "$project/grammar" -maxdepth 1 -type f -exec cp {} "$work/src/planlint/language/grammar/" \;

python3 - "$work" <<'EOF'
import os
import re
import sys
from pathlib import Path

work = Path(sys.argv[1])
pyproject = work / "pyproject.toml"
text = re.sub(r"^package-dir = .*$", 'package-dir = {"" = "src"}', pyproject.read_text(), flags=re.M)
mutated = lambda path: ("/analysis/" in path.as_posix() or "/planlint/rules/" in path.as_posix()) and path.name != "__init__.py"
others = sorted(p.relative_to(work).as_posix() for p in (work / "src").rglob("*.py") if not mutated(p))
tests = ["conftest"] + [f"test_{name}" for name in (
    "rules goals engine closing what_if quantity incremental suggest report parse explain trace review graph formats "
    "evaluation_order impact solve formula evaluate".split()
)]
text += (
    "\n[tool.mutmut]\n"
    'paths_to_mutate = ["src/"]\n'
    f"do_not_mutate = {others!r}\n".replace("'", '"')
    + f"tests_dir = {[f'tests/{name}.py' for name in tests]!r}\n".replace("'", '"')
    + 'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q", "-k", "not control_characters and not '
    'ascii_terminal and not path_line_in_a_subfolder and not piped_output and not does_not_load_the_parser and not importing_formats_is_lazy and not the_property_run_checked"]\n'
    'also_copy = ["tests", "examples", "benchmarks", "fuzz"]\n'
    # A mutant's tests may use this many CPU seconds: (their time in the clean run + 10) * 3 * 2. The
    # 10 is each mutant's own start (pytest, the large mutated modules compiled); mutmut's default
    # (1 * 15 * 2) lets a mutant that loops forever under broad tests run for ten minutes.
    f"timeout_multiplier = {float(os.environ.get('TIMEOUT_MULTIPLIER', '3'))}\n"
    f"timeout_constant = {float(os.environ.get('TIMEOUT_CONSTANT', '10'))}\n"
    'type_check_command = ["mypy", "--output", "json", "--no-warn-unused-ignores", "--ignore-missing-imports", "--allow-untyped-decorators", "src/planlint"]\n'
)
pyproject.write_text(text)

# Property tests draw at most MAX_EXAMPLES examples each (a surviving mutant runs every one of them),
# and no test fails on hypothesis's deadline: a mutant that is only slower (or a run paused with
# kill -STOP) is not killed by it.
# (the test that counts the closing values the property run checked is left out: it counts examples).
cap = int(os.environ.get("MAX_EXAMPLES", "50"))
for test in (work / "tests").glob("test_*.py"):
    text = test.read_text()
    capped = re.sub(r"max_examples=(\d+)", lambda m: f"max_examples={min(int(m[1]), cap)}", text)
    capped = re.sub(r"deadline=timedelta\([^)]*\)", "deadline=None", capped)
    if capped != text:
        test.write_text(capped)
conftest = work / "tests" / "conftest.py"
conftest.write_text(
    conftest.read_text()
    + "\n\nfrom hypothesis import settings as _settings\n\n"
    + '_settings.register_profile("mutation", deadline=None)\n_settings.load_profile("mutation")\n'
)
EOF

cd "$work"
python3 -m venv .venv
. .venv/bin/activate
pip install -q "mutmut==3.8.1" lark networkx click jsonschema pytest hypothesis pyyaml mypy types-jsonschema types-networkx
# shellcheck disable=SC2086  # MUTANTS: patterns of mutant names, split as words on purpose
mutmut run --max-children "${JOBS:-2}" ${MUTANTS:-}
mutmut results
