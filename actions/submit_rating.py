"""`action_submit_rating`: the citizen rates a resolved ticket (评价), filed at once.

满意 3 / 基本满意 2 / 不满意 1 (contracts.md). 不满意 reopens the ticket on the platform and
the citizen is told so right away: a dissatisfied rating never waits on a further answer.
What was wrong goes with the rating when the citizen typed it ("不满意，处理太慢了"): the
text becomes the comment and the aspects it names (速度 / 结果 / 态度) are marked 1.
"""

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import backend_client
from actions.backend_client import BackendRejected
from actions.conversation import Utterance, channel_and_chat
from actions.messages import labels, say

log = logging.getLogger(__name__)

DISSATISFIED = 1


def score_of(value: Any) -> int | None:
    """1–3 from a button value ("3") or an NLU synonym ("satisfied")."""
    if value is None:
        return None
    score = labels()["ratings"].get(str(value).strip())
    return int(score) if score is not None else None


def rating_body(*, score: int, typed: str) -> Dict[str, Any]:
    """The rating API body: the score and what a dissatisfied citizen typed."""
    body: Dict[str, Any] = {"score": score}
    if typed:
        body["comment"] = typed[:2000]
        if score == DISSATISFIED:
            for aspect, words in labels()["rating_aspect_words"].items():
                if any(word in typed for word in words):
                    body[aspect] = DISSATISFIED
    return body


class SubmitRating(Action):
    """Files the rating; after 不满意 says the ticket was reopened."""

    def name(self) -> Text:
        return "action_submit_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        utterance = Utterance.from_tracker(tracker)
        score = score_of(utterance.entity("rating"))
        ticket_no = utterance.ticket_no() or tracker.get_slot("rating_ticket_no")
        if not ticket_no or score is None:
            say(dispatcher, "rating_no_ticket")
            return []
        channel, chat_id = channel_and_chat(tracker.sender_id)
        body = rating_body(score=score, typed=utterance.free_text)
        try:
            await backend_client.get_backend().rate_ticket(
                ticket_no=ticket_no, channel=channel, chat_id=chat_id, rating=body
            )
        except BackendRejected as exc:
            log.info("rating of %s refused: %s", ticket_no, exc)
            if exc.status == 404:
                say(dispatcher, "status_not_found", ticket_no=ticket_no)
            elif exc.status == 409 and exc.detail:
                say(dispatcher, "rating_conflict", reason=exc.detail)
            else:
                say(dispatcher, "rating_failed")
            return []
        except Exception:
            log.exception("rating of %s failed", ticket_no)
            say(dispatcher, "rating_failed")
            return []
        if score == DISSATISFIED:
            say(dispatcher, "rating_reopened", ticket_no=ticket_no)
        else:
            say(dispatcher, "rating_thanks")
        return [SlotSet("rating_ticket_no", None)]
