"""`python -m nlu.prepare_stores <endpoints.yml>`: create Rasa's tracker store (its database and
tables) and check its lock store answers, before several Rasa processes start on them.

Rasa creates the tables at start-up; two processes starting at once on a fresh PostgreSQL
database race on that and one of them exits. Run this once first (`make run-scaled` does).
"""

import sys

from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import read_endpoint_config


def prepare(endpoints: str) -> str:
    """Create the tracker store and reach the lock store; what was prepared, in words."""
    tracker_config = read_endpoint_config(endpoints, "tracker_store")
    lock_config = read_endpoint_config(endpoints, "lock_store")
    tracker = TrackerStore.create(tracker_config)
    lock = LockStore.create(lock_config)
    if isinstance(lock, RedisLockStore):
        lock.red.ping()  # fails loudly when Redis does not answer
    return f"tracker store {type(tracker).__name__}, lock store {type(lock).__name__}"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m nlu.prepare_stores <endpoints.yml>")
    print(f"==> {prepare(sys.argv[1])} ready")
