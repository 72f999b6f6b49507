"""Rule precedence without a database: most specific wins, then priority, then the oldest."""

import pytest

from backend.routing.precedence import best_rule, specificity
from storage.models import RoutingRule


def rule(
    id: int,
    service: str | None = None,
    district: str | None = None,
    street: str | None = None,
    priority: int = 0,
) -> RoutingRule:
    return RoutingRule(
        id=id,
        service_code=service,
        district=district,
        street=street,
        priority=priority,
        department_id=id,
    )


ALL_SHAPES = [
    rule(1),
    rule(2, district="南山区"),
    rule(3, district="南山区", street="粤海街道"),
    rule(4, service="noise"),
    rule(5, service="noise", district="南山区"),
    rule(6, service="noise", district="南山区", street="粤海街道"),
]


@pytest.mark.parametrize(
    ("removed", "winner"),
    [
        (set(), 6),  # service + district + street
        ({6}, 5),  # service + district
        ({6, 5}, 4),  # service only beats place-only rules
        ({6, 5, 4}, 3),  # district + street
        ({6, 5, 4, 3}, 2),  # district
        ({6, 5, 4, 3, 2}, 1),  # catch-all
    ],
)
def test_most_specific_rule_wins(removed: set[int], winner: int) -> None:
    rules = [r for r in ALL_SHAPES if r.id not in removed]
    chosen = best_rule(rules=rules, service_code="noise", district="南山区", street="粤海街道")
    assert chosen is not None and chosen.id == winner


def test_rules_that_do_not_match_are_ignored() -> None:
    rules = [rule(1, service="gas"), rule(2, district="福田区"), rule(3)]
    chosen = best_rule(rules=rules, service_code="noise", district="南山区", street=None)
    assert chosen is not None and chosen.id == 3
    assert best_rule(rules=rules[:2], service_code="noise", district="南山区", street=None) is None


def test_a_street_rule_never_matches_a_ticket_without_that_street() -> None:
    rules = [rule(1, district="南山区", street="粤海街道"), rule(2, district="南山区")]
    chosen = best_rule(rules=rules, service_code="noise", district="南山区", street=None)
    assert chosen is not None and chosen.id == 2


def test_ties_go_to_the_higher_priority_then_the_older_rule() -> None:
    rules = [rule(7, service="noise", priority=1), rule(8, service="noise", priority=5)]
    assert best_rule(rules=rules, service_code="noise", district=None, street=None).id == 8  # type: ignore[union-attr]
    rules = [rule(9, service="noise"), rule(8, service="noise")]
    assert best_rule(rules=rules, service_code="noise", district=None, street=None).id == 8  # type: ignore[union-attr]


def test_priority_never_beats_specificity() -> None:
    rules = [rule(1, service="noise", priority=100), rule(2, service="noise", district="南山区")]
    assert best_rule(rules=rules, service_code="noise", district="南山区", street=None).id == 2  # type: ignore[union-attr]


def test_a_street_without_its_district_is_rejected() -> None:
    with pytest.raises(ValueError, match="district"):
        specificity(rule=rule(1, street="粤海街道"))
