"""API routes; see routes.py."""


def register(router):
    pass
