"""Danger signs in a report (紧急情况): gas, fire, someone hurt, live wire, collapse, crime."""

from typing import List

from actions.messages import load_data


def urgent_kinds(text: str) -> List[str]:
    """The kinds of danger the text names (urgent.yml order), or [] when none."""
    lowered = text.lower()
    kinds = load_data("urgent")["kinds"]
    return [
        kind
        for kind, spec in kinds.items()
        if any(str(keyword).lower() in lowered for keyword in spec["keywords"])
    ]
