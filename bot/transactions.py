"""Run short synchronous database work from the channels' async code, off the event loop."""

import asyncio
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

R = TypeVar("R")


def run_in_transaction_sync(
    session_factory: sessionmaker[Session], work: Callable[[Session], R]
) -> R:
    """Run `work` in one transaction: committed when it returns, rolled back when it raises."""
    with session_factory() as session, session.begin():
        return work(session)


async def run_in_transaction(
    session_factory: sessionmaker[Session], work: Callable[[Session], R]
) -> R:
    """`run_in_transaction_sync` in a worker thread, so that the event loop keeps running."""
    return await asyncio.to_thread(run_in_transaction_sync, session_factory, work)
