"""Fuzzing planlint: input generators, the checks every input must pass, and a long campaign.

`strategies` builds inputs (valid plans from the grammar, and mutations of the
example and scenario plans), `oracle` lints them in-process and checks what
must hold for any input, `campaign` runs both for as long as you like.
tests/test_fuzz.py runs the same with a bounded budget in CI.
"""
