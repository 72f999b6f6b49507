"""A rating tapped twice, the two taps arriving at once: one rating, one closing."""

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Rating, TicketEvent
from tests.backend.api.routes.conftest import OWNER, create, move


def test_a_rating_tapped_twice_at_once_counts_once(
    app_client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    no = create(app_client)["ticket_no"]
    move(app_client, no, "accept")
    move(app_client, no, "resolve", note="已处理")

    def tap(_: int) -> int:
        rating = {"score": 3, "speed": 3}
        answer = app_client.post(f"/api/v1/tickets/{no}/rating", json=rating, headers=OWNER)
        return answer.status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = sorted(pool.map(tap, range(2)))
    assert answers == [200, 201]
    with session_factory() as session:
        assert len(session.scalars(select(Rating)).all()) == 1
        actions = list(session.scalars(select(TicketEvent.action).order_by(TicketEvent.id)))
    assert actions.count("rate") == 1 and actions.count("close") == 1
