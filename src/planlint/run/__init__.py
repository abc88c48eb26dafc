"""One run of planlint: finding and reading files, configuration, the cache,
and the engine that hands every subject to the rules that judge it."""
