"""Deterministic demo data: `manage.py demo --profile small|large --seed N`.

The command (management/commands/demo.py) runs each app's `demo.build(ctx)` step in the order
listed in `profiles.STEPS`; `profiles.DemoContext` carries the profile, a seeded random
generator and what the earlier steps made.
"""
