"""Which open tickets are offered as the same problem."""

from sqlalchemy.orm import Session

from backend.duplicates.matching import find_similar
from backend.tickets.transitions import apply_transition
from tests.backend.duplicates.conftest import file_light, light_report
from tests.backend.tickets.conftest import OPERATOR


def numbers(session: Session, **changes: object) -> list[str]:
    return [m.ticket_no for m in find_similar(session=session, report=light_report(**changes))]


def test_same_category_same_street_similar_words_is_offered(session: Session) -> None:
    ticket = file_light(session)
    [match] = find_similar(session=session, report=light_report())
    assert match.ticket_no == ticket.ticket_no
    assert (match.category, match.district, match.street) == ("路灯照明", "福田区", "华强北街道")
    assert match.department == ticket.department.name
    assert match.state == "dispatched"
    assert match.similarity >= 40


def test_other_category_other_street_or_other_words_are_not(session: Session) -> None:
    file_light(session, service_code="road", description="华强北路的路灯不亮，路面也坏了")
    file_light(session, street="福田街道")
    file_light(session, description="工地晚上打桩太吵了")
    assert numbers(session) == []


def test_a_ticket_no_longer_in_hand_is_not_offered(session: Session) -> None:
    ticket = file_light(session)
    apply_transition(session=session, ticket=ticket, action="accept", actor=OPERATOR)
    apply_transition(session=session, ticket=ticket, action="resolve", actor=OPERATOR, note="已修")
    assert numbers(session) == []


def test_coordinates_within_the_radius_match_across_street_names(session: Session) -> None:
    near = file_light(session, street="福田街道", lat=22.5430, lon=114.0850)
    file_light(session, street="福田街道", lat=22.5530, lon=114.0850)  # about 1.1 km north
    found = numbers(session, street="华强北街道", lat=22.5440, lon=114.0850)  # about 110 m
    assert found == [near.ticket_no]


def test_best_first_and_no_place_means_no_offer(session: Session) -> None:
    weaker = file_light(session, description="路灯坏了晚上很黑")
    stronger = file_light(session, description="华强北的路灯一直不亮，晚上很黑")
    assert numbers(session) == [stronger.ticket_no, weaker.ticket_no]
    assert numbers(session, district=None, street=None) == []
