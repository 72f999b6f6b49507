"""Which routing rule wins: the most specific match, then the highest priority, then the oldest.

Specificity ranks (higher wins):

====  ============  ========  ======
rank  service_code  district  street
====  ============  ========  ======
6     set           set       set
5     set           set       –
4     set           –         –
3     –             set       set
2     –             set       –
1     –             –         –
====  ============  ========  ======

A rule that names a street must also name its district (street names are only unique within
a district), so there is no rank for "street without district".
"""

from collections.abc import Iterable

from storage.models import RoutingRule

SPECIFICITY: dict[tuple[bool, bool, bool], int] = {
    (True, True, True): 6,
    (True, True, False): 5,
    (True, False, False): 4,
    (False, True, True): 3,
    (False, True, False): 2,
    (False, False, False): 1,
}


def specificity(*, rule: RoutingRule) -> int:
    """The rank of a rule's shape; ValueError for a street without a district."""
    shape = (rule.service_code is not None, rule.district is not None, rule.street is not None)
    if shape not in SPECIFICITY:
        raise ValueError(f"rule #{rule.id}: a street needs its district")
    return SPECIFICITY[shape]


def rule_matches(
    *, rule: RoutingRule, service_code: str, district: str | None, street: str | None
) -> bool:
    """True when each field the rule names equals the ticket's."""
    return (
        (rule.service_code is None or rule.service_code == service_code)
        and (rule.district is None or rule.district == district)
        and (rule.street is None or rule.street == street)
    )


def best_rule(
    *,
    rules: Iterable[RoutingRule],
    service_code: str,
    district: str | None,
    street: str | None,
) -> RoutingRule | None:
    """The winning rule among those that match, or None when none does."""
    matching = [
        rule
        for rule in rules
        if rule_matches(rule=rule, service_code=service_code, district=district, street=street)
    ]
    if not matching:
        return None
    return max(matching, key=lambda rule: (specificity(rule=rule), rule.priority, -rule.id))
