#!/usr/bin/env bash
# Mutation testing of analysis/ and rules/ with mutmut 3 (issue 17): do the tests pin what the
# arithmetic and the rules compute? Long (about an hour on 2 cores): never part of .ci/run.
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
import re
import sys
from pathlib import Path

work = Path(sys.argv[1])
pyproject = work / "pyproject.toml"
text = re.sub(r"^package-dir = .*$", 'package-dir = {"" = "src"}', pyproject.read_text(), flags=re.M)
mutated = lambda path: ("/analysis/" in path.as_posix() or "/planlint/rules/" in path.as_posix()) and path.name != "__init__.py"
others = sorted(p.relative_to(work).as_posix() for p in (work / "src").rglob("*.py") if not mutated(p))
tests = ["conftest"] + [f"test_{name}" for name in (
    "rules goals engine closing what_if quantity incremental suggest report parse explain trace review graph formats".split()
)]
text += (
    "\n[tool.mutmut]\n"
    'paths_to_mutate = ["src/"]\n'
    f"do_not_mutate = {others!r}\n".replace("'", '"')
    + f"tests_dir = {[f'tests/{name}.py' for name in tests]!r}\n".replace("'", '"')
    + 'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q", "-k", "not control_characters and not '
    'ascii_terminal and not path_line_in_a_subfolder and not piped_output and not does_not_load_the_parser and not importing_formats_is_lazy"]\n'
    'also_copy = ["tests", "examples", "benchmarks", "fuzz"]\n'
)
pyproject.write_text(text)
EOF

cd "$work"
python3 -m venv .venv
. .venv/bin/activate
pip install -q "mutmut==3.8.1" lark networkx click jsonschema pytest hypothesis pyyaml
# shellcheck disable=SC2086  # MUTANTS: patterns of mutant names, split as words on purpose
mutmut run --max-children "${JOBS:-2}" ${MUTANTS:-}
mutmut results
