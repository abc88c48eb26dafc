"""The rulebook: what a rule is (the contract), what it reports (findings),
and where rules come from (the registry). The rules themselves are the
package `planlint.rules` (the repository's top-level `rules/` folder)."""
