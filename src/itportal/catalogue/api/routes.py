"""The catalogue app's API routes, registered on the portal's router by api/urls.py."""


def register(router):
    pass
