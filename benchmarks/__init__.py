"""Server-side benchmarks: `make bench` (python -m benchmarks.run).

Builds a demo profile into its own database, renders each scenario's page with Django's test
client and runs the hand-written SQL the page needs, then writes benchmarks/results/latest.md
and latest.json. Scenarios live in `benchmarks.scenarios.SCENARIOS`; a module adds its own by
appending to that list. Speed is measured here, never asserted in tests.
"""
