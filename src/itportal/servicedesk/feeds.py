"""Personal tokens for the change calendar's iCalendar feed, for calendar clients that cannot
log in (Outlook and Thunderbird subscriptions).

A token is 43 URL-safe characters (32 random bytes). Only its SHA-256 is stored, so the
address is shown once, when it is made; a user who lost it makes a new one, which ends the old.
A token is looked up by its hash (the database compares hashes, never the secret) and checked
once more with a constant-time compare. Making, replacing and revoking are audited.
"""

import hashlib
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from itportal.core.services import create_object, delete_object, update_object
from itportal.servicedesk.models import FeedToken

TOKEN_BYTES = 32
LONGEST_TOKEN = 100  # anything longer is not ours; not even hashed


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_token(user, *, actor):
    """A new token for `user`, replacing their old one; returns the token (shown once)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    # Lock the login's row first: two clicks at once must not both insert a first token.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    existing = FeedToken.objects.select_for_update().filter(user=user).first()
    if existing is None:
        create_object(FeedToken(user=user, key_hash=digest(token)), actor=actor)
    else:
        update_object(existing, actor=actor, data={"key_hash": digest(token)})
    return token


@transaction.atomic
def revoke_token(user, *, actor):
    """End `user`'s token; False when they had none."""
    existing = FeedToken.objects.select_for_update().filter(user=user).first()
    if existing is None:
        return False
    delete_object(existing, actor=actor)
    return True


def user_of_token(token):
    """The active login that holds `token`, or None."""
    if not token or len(token) > LONGEST_TOKEN:
        return None
    hashed = digest(token)
    found = FeedToken.objects.select_related("user").filter(key_hash=hashed).first()
    if found is None or not hmac.compare_digest(found.key_hash, hashed):
        return None
    return found.user if found.user.is_active else None
