"""What we remember about a follower between messages: last location, unsubscription."""

from __future__ import annotations

import json

from wxbackend import clock
from wxbackend.handlers.messages import Location
from wxbackend.store import Store

# A reported location is only useful for "nearest service point" while the user is there.
LOCATION_TTL_S = 30 * 60
# Kept long enough for support questions ("I stopped getting messages"); no personal data.
UNSUBSCRIBE_TTL_S = 180 * 24 * 3600


def _location_key(openid: str) -> str:
    return f"wx:follower:{openid}:location"


def _unsubscribed_key(openid: str) -> str:
    return f"wx:follower:{openid}:unsubscribed_at"


async def remember_location(store: Store, openid: str, location: Location) -> None:
    payload = {
        "lat": location.latitude,
        "lng": location.longitude,
        "precision": location.precision,
        "at": int(clock.timestamp()),
    }
    await store.set(_location_key(openid), json.dumps(payload), ttl=LOCATION_TTL_S)


async def last_location(store: Store, openid: str) -> Location | None:
    """The location reported within the last LOCATION_TTL_S, if any."""
    raw = await store.get(_location_key(openid))
    if raw is None:
        return None
    data = json.loads(raw)
    return Location(latitude=data["lat"], longitude=data["lng"], precision=data["precision"])


async def record_unsubscribe(store: Store, openid: str, at: int) -> None:
    await store.set(_unsubscribed_key(openid), str(at), ttl=UNSUBSCRIBE_TTL_S)


async def clear_unsubscribe(store: Store, openid: str) -> None:
    await store.delete(_unsubscribed_key(openid))


async def unsubscribed_at(store: Store, openid: str) -> int | None:
    raw = await store.get(_unsubscribed_key(openid))
    return None if raw is None else int(raw)
