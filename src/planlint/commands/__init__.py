"""The commands, each a thin module over the library: check, explain, review."""
