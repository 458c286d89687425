"""The outcomes the permission-coverage table expects of a GET, per role (in ROLES order)."""

ROLES = ("anonymous", "employee", "controller", "itstaff", "coordinator", "admin")

# Status codes, or:
LOGIN = "login"  # 302 to the portal's login page (anonymous visitor on a page)
REDIRECT = "redirect"  # 302 somewhere else
API_DENIED = "401/403"  # the API refuses an anonymous caller

PAGE_READ = (LOGIN, 200, 200, 200, 200, 200)  # any logged-in user
PAGE_ADMIN = (LOGIN, 403, 403, 403, 403, 200)  # IT administrators only
PAGE_UNIT_WRITE = (LOGIN, 403, 403, 200, 200, 200)  # IT staff; coordinators in their units
PAGE_STAFF_WRITE = (LOGIN, 403, 403, 200, 403, 200)  # IT staff (no unit-scoped rights)
API_READ = (API_DENIED, 200, 200, 200, 200, 200)
