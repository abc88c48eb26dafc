"""The plan language: its grammar, the readers that recognise it, and the
values it spells (quantities, units, dates), both read and written out."""
