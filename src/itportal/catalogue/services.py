"""Every write to the service catalogue: validate, save, audit row, in one transaction.

Price lists, prices, subscriptions and IT fee rules go through the same generic services as the
register; what a closed chargeback run billed is kept in its lines and never recomputed, so a
later change here cannot alter it.
"""

from itportal.registry.services import record_create, record_delete, record_update

__all__ = ["record_create", "record_update", "record_delete"]
