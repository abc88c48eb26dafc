"""planlint's built-in rules, one module per rule (shipped as planlint.rules)."""
