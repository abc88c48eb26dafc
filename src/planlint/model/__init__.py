"""The plan as data: teams, statements, values and expressions, built from
what the language stage recognises."""
