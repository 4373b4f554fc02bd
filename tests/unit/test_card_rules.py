"""The action-card rules of RULES.md on the card aggregate: who creates and responds, in which order
states, the exclusions, every type's payload checks, the PROOFS loop, deadlines and reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callsheet_kit.errors import DomainError, ErrorCode
from services.cards.domain.card import Card, actions_for, deliverables, due_at, open_types
from services.cards.domain.kinds.base import Outcome
from services.cards.domain.model import CardAction, CardState, CardType, OrderState, OrderView

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
BUYER, PROVIDER, STRANGER = "u_b", "u_p", "u_x"


def order(state: OrderState = OrderState.CONFIRMED, *, starts_in: timedelta = timedelta(days=10)) -> OrderView:
    start = NOW + starts_in
    return OrderView("ord_1", BUYER, PROVIDER, state, start, start + timedelta(hours=2), version=2)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def slots(view: OrderView, *days: int) -> dict[str, Any]:
    return {
        "slots": [
            {"startUtc": iso(view.start_utc + timedelta(days=d)), "endUtc": iso(view.end_utc + timedelta(days=d))}
            for d in days
        ]
    }


PAYLOADS: dict[CardType, dict[str, Any]] = {
    CardType.EXTRAS: {
        "items": [{"description": "second look", "quantity": 2, "unitAmountCents": 5_000}],
        "currency": "USD",
    },
    CardType.EXPENSE: {
        "items": [{"category": "travel", "description": "taxi", "amountCents": 2_500, "receiptMediaId": "med_r1"}],
        "currency": "USD",
    },
    CardType.PROOFS: {"media": [{"mediaId": "med_1", "nsfw": False}, {"mediaId": "med_2", "nsfw": True}]},
    CardType.COMPLETE: {"note": "all done"},
    CardType.DISPUTE: {"reason": "quality", "description": "out of focus", "requestedRefundCents": 10_000},
}


def open_card(
    card_type: CardType,
    view: OrderView,
    *,
    by: str = PROVIDER,
    payload: Any = None,
    existing: set[CardType] | None = None,
) -> Card:
    return Card.open(
        card_id="crd_1",
        key=f"ord_1:card:{card_type.value}:k",
        order=view,
        card_type=card_type,
        creator_id=by,
        raw_payload=payload if payload is not None else PAYLOADS.get(card_type) or slots(view, 1),
        open_types=existing or set(),
        now=NOW,
    )


def fails(code: ErrorCode, reason: str = "") -> Any:
    class Check:
        def __enter__(self) -> None:
            return None

        def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
            assert isinstance(error, DomainError), f"expected {code}, got {error!r}"
            assert error.code is code, error
            if reason:
                assert error.reason == reason, error
            return True

    return Check()


def fields(error: pytest.ExceptionInfo[DomainError]) -> set[str]:
    return {violation.field for violation in error.value.violations}


def test_who_may_open_each_type_and_in_which_order_states() -> None:
    with fails(ErrorCode.NOT_FOUND):
        open_card(CardType.EXTRAS, order(), by=STRANGER)
    with fails(ErrorCode.PERMISSION_DENIED):
        open_card(CardType.EXTRAS, order(), by=BUYER)
    with fails(ErrorCode.FAILED_PRECONDITION, "ORDER_STATE"):
        open_card(CardType.EXTRAS, order(OrderState.AUTHORIZED))
    with fails(ErrorCode.FAILED_PRECONDITION, "ORDER_STATE"):
        open_card(CardType.COMPLETE, order(OrderState.CONFIRMED), by=BUYER)
    assert open_card(CardType.RESCHEDULE, order(OrderState.AUTHORIZED), by=BUYER).state is CardState.OPEN
    assert open_card(CardType.COMPLETE, order(OrderState.IN_PROGRESS), by=BUYER).state is CardState.OPEN
    assert open_card(CardType.PROOFS, order(OrderState.COMPLETED)).type is CardType.PROOFS


def test_one_open_card_per_type_complete_and_reschedule_exclude_each_other_and_a_dispute_freezes() -> None:
    running = order(OrderState.IN_PROGRESS)
    with fails(ErrorCode.FAILED_PRECONDITION, "CARD_ALREADY_OPEN"):
        open_card(CardType.EXTRAS, running, existing={CardType.EXTRAS})
    with fails(ErrorCode.FAILED_PRECONDITION, "CARDS_EXCLUDE"):
        open_card(CardType.COMPLETE, running, existing={CardType.RESCHEDULE})
    with fails(ErrorCode.FAILED_PRECONDITION, "CARDS_EXCLUDE"):
        open_card(CardType.RESCHEDULE, running, by=BUYER, existing={CardType.COMPLETE})
    with fails(ErrorCode.FAILED_PRECONDITION, "ORDER_DISPUTED"):
        open_card(CardType.EXTRAS, order(OrderState.DISPUTED))
    # A dispute is opened within the policy's 7 days after the end.
    ended = order(OrderState.COMPLETED, starts_in=-timedelta(days=8))
    with fails(ErrorCode.FAILED_PRECONDITION, "DISPUTE_WINDOW_CLOSED"):
        open_card(CardType.DISPUTE, ended, by=BUYER)
    assert open_card(CardType.DISPUTE, order(OrderState.COMPLETED, starts_in=-timedelta(days=6)), by=BUYER)


@pytest.mark.parametrize(
    ("card_type", "payload", "bad"),
    [
        (CardType.RESCHEDULE, {"slots": []}, {"payload.slots"}),
        (
            CardType.RESCHEDULE,
            {"slots": [{"startUtc": "yesterday", "endUtc": "2030-01-01T00:00:00"}]},
            {"payload.slots[0].startUtc", "payload.slots[0].endUtc"},
        ),
        (
            CardType.RESCHEDULE,
            {"slots": [{"startUtc": "2030-02-01T10:00:00Z", "endUtc": "2030-02-01T12:00:00Z"}], "extra": 1},
            {"payload.slots[0].startUtc", "payload.extra"},
        ),
        (
            CardType.EXTRAS,
            {"items": [{"description": "", "quantity": 0, "unitAmountCents": -1}], "currency": "EUR"},
            {
                "payload.items[0].description",
                "payload.items[0].quantity",
                "payload.items[0].unitAmountCents",
                "payload.currency",
            },
        ),
        (
            CardType.EXTRAS,
            {"items": [{"description": "x", "quantity": True, "unitAmountCents": 1}], "currency": "USD"},
            {"payload.items[0].quantity"},
        ),
        (
            CardType.EXPENSE,
            {
                "items": [{"category": "travel", "description": "taxi", "amountCents": 100, "receiptMediaId": "r1"}],
                "currency": "USD",
            },
            {"payload.items[0].receiptMediaId"},
        ),
        (
            CardType.PROOFS,
            {"media": [{"mediaId": "med_1", "nsfw": "no"}, {"mediaId": "med_1", "nsfw": False}]},
            {"payload.media[0].nsfw", "payload.media[1].mediaId"},
        ),
        (CardType.DISPUTE, {"reason": "bored", "description": ""}, {"payload.reason", "payload.description"}),
        (CardType.COMPLETE, "done", {"payload"}),
    ],
)
def test_every_payload_rule_names_its_field(card_type: CardType, payload: Any, bad: set[str]) -> None:
    state = {CardType.RESCHEDULE: OrderState.CONFIRMED, CardType.EXTRAS: OrderState.CONFIRMED,
             CardType.EXPENSE: OrderState.CONFIRMED}.get(card_type, OrderState.IN_PROGRESS)  # fmt: skip
    creator = BUYER if card_type in (CardType.DISPUTE, CardType.COMPLETE) else PROVIDER
    with pytest.raises(DomainError) as refused:
        open_card(card_type, order(state), by=creator, payload=payload)
    assert refused.value.code is ErrorCode.INVALID_ARGUMENT
    assert fields(refused) == bad


def test_a_reschedule_slot_must_be_as_long_as_the_order_and_not_overlap_another() -> None:
    view = order()
    start = view.start_utc + timedelta(days=1)
    payload = {
        "slots": [
            {"startUtc": iso(start), "endUtc": iso(start + timedelta(hours=3))},
            {"startUtc": iso(start + timedelta(days=1)), "endUtc": iso(start + timedelta(days=1, hours=2))},
            {"startUtc": iso(start + timedelta(days=1, hours=1)), "endUtc": iso(start + timedelta(days=1, hours=3))},
        ]
    }
    with pytest.raises(DomainError) as refused:
        open_card(CardType.RESCHEDULE, view, by=BUYER, payload=payload)
    assert fields(refused) == {"payload.slots[0].endUtc", "payload.slots[2]"}


def respond(card: Card, view: OrderView, by: str, action: CardAction, payload: Any = None) -> Any:
    return card.respond(
        order=view,
        responder_id=by,
        action=action,
        raw_payload=payload,
        expected_version=card.version,
        response_id=f"rsp_{card.version}",
        now=NOW,
    )


def test_responses_need_the_counterpart_the_current_version_and_an_open_card() -> None:
    view = order()
    card = open_card(CardType.EXTRAS, view)
    with fails(ErrorCode.PERMISSION_DENIED):
        respond(card, view, PROVIDER, CardAction.ACCEPT)
    with fails(ErrorCode.NOT_FOUND):
        respond(card, view, STRANGER, CardAction.ACCEPT)
    with fails(ErrorCode.INVALID_ARGUMENT):
        respond(card, view, BUYER, CardAction.COUNTER)
    with fails(ErrorCode.CONFLICT):
        card.respond(order=view, responder_id=BUYER, action=CardAction.ACCEPT, raw_payload=None,
                     expected_version=card.version - 1, response_id="r", now=NOW)  # fmt: skip
    done = respond(card, view, BUYER, CardAction.ACCEPT)
    assert done.outcome is Outcome.ACCEPTS and card.state is CardState.ACCEPTED and card.version == 2
    with fails(ErrorCode.FAILED_PRECONDITION, "CARD_NOT_OPEN"):
        respond(card, view, BUYER, CardAction.DECLINE)
    assert card.applied(now=NOW) and card.state is CardState.CLOSED and not card.applied(now=NOW)
    assert [type(e).__name__ for e in card.pull_events()] == ["CardRequested", "CardResponded", "CardClosed"]


def test_a_reschedule_is_accepted_for_one_of_its_slots_or_countered_by_a_new_proposal() -> None:
    view = order()
    card = open_card(CardType.RESCHEDULE, view, by=BUYER, payload=slots(view, 1, 2, 3))
    with pytest.raises(DomainError) as refused:
        respond(card, view, PROVIDER, CardAction.ACCEPT, {"slotIndex": 3})
    assert fields(refused) == {"payload.slotIndex"}
    countered = respond(card, view, PROVIDER, CardAction.COUNTER, slots(view, 4))
    assert countered.outcome is Outcome.SUPERSEDES and card.state is CardState.SUPERSEDED
    assert countered.counter_payload == {"slots": slots(view, 4)["slots"]}
    card.superseded("crd_2", actor=PROVIDER, now=NOW)
    assert card.superseded_by == "crd_2"


def test_the_proofs_loop_approves_subsets_allows_three_change_rounds_and_delivers_on_final_approval() -> None:
    view = order(OrderState.IN_PROGRESS)
    card = open_card(CardType.PROOFS, view)
    with fails(ErrorCode.FAILED_PRECONDITION, "ACTION_NOT_ALLOWED"):
        respond(card, view, PROVIDER, CardAction.UPLOAD, {"media": [{"mediaId": "med_9", "nsfw": False}]})
    respond(card, view, BUYER, CardAction.APPROVE, {"mediaIds": ["med_1"]})
    assert card.state is CardState.OPEN and card.progress["approved"] == ["med_1"]
    for round_ in range(3):
        respond(card, view, BUYER, CardAction.REQUEST_CHANGES, {"notes": "warmer tones"})
        assert actions_for(card, view, PROVIDER) == [CardAction.UPLOAD]
        with fails(ErrorCode.FAILED_PRECONDITION, "ACTION_NOT_ALLOWED"):
            respond(card, view, BUYER, CardAction.REQUEST_CHANGES, {"notes": "again"})
        with pytest.raises(DomainError) as reused:
            respond(card, view, PROVIDER, CardAction.UPLOAD, {"media": [{"mediaId": "med_1", "nsfw": False}]})
        assert fields(reused) == {"payload.media[0].mediaId"}
        respond(card, view, PROVIDER, CardAction.UPLOAD, {"media": [{"mediaId": f"med_r{round_}", "nsfw": False}]})
    with fails(ErrorCode.FAILED_PRECONDITION, "CHANGE_ROUNDS_USED"):
        respond(card, view, BUYER, CardAction.REQUEST_CHANGES, {"notes": "one more"})
    assert CardAction.REQUEST_CHANGES not in actions_for(card, view, BUYER)
    with pytest.raises(DomainError) as unknown:
        respond(card, view, BUYER, CardAction.APPROVE, {"mediaIds": ["med_zz"], "final": True})
    assert fields(unknown) == {"payload.mediaIds[0]"}
    final = respond(card, view, BUYER, CardAction.APPROVE, {"mediaIds": ["med_2", "med_r2"], "final": True})
    assert final.outcome is Outcome.ACCEPTS and card.state is CardState.ACCEPTED
    assert deliverables(card) == [
        {"mediaId": "med_1", "nsfw": False},
        {"mediaId": "med_2", "nsfw": True},
        {"mediaId": "med_r2", "nsfw": False},
    ]


def test_a_disputed_order_takes_only_the_disputes_evidence() -> None:
    running = order(OrderState.IN_PROGRESS)
    extras = open_card(CardType.EXTRAS, running)
    dispute = open_card(CardType.DISPUTE, running, by=BUYER)
    frozen = order(OrderState.DISPUTED)
    with fails(ErrorCode.FAILED_PRECONDITION, "ORDER_DISPUTED"):
        respond(extras, frozen, BUYER, CardAction.ACCEPT)
    assert actions_for(extras, frozen, BUYER) == []
    respond(dispute, frozen, PROVIDER, CardAction.UPLOAD, {"mediaIds": ["med_e1"], "note": "the gallery as delivered"})
    respond(dispute, frozen, BUYER, CardAction.UPLOAD, {"mediaIds": ["med_e2"]})
    assert dispute.progress["evidenceMediaIds"] == ["med_e1", "med_e2"] and dispute.state is CardState.OPEN


def test_deadlines_follow_the_rules_and_a_complete_nobody_answers_is_accepted_by_the_system() -> None:
    view = order()
    assert open_card(CardType.RESCHEDULE, view, by=BUYER).expires_at == NOW + timedelta(hours=48)
    soon = order(starts_in=timedelta(hours=10))
    near = open_card(CardType.RESCHEDULE, soon, by=BUYER, payload=slots(soon, 1))
    assert near.expires_at == soon.start_utc - timedelta(hours=2)
    assert near.due_at == NOW + timedelta(hours=4)  # half of a short card's life
    assert open_card(CardType.EXTRAS, view).expires_at == NOW + timedelta(hours=48)
    week = open_card(CardType.EXPENSE, view)
    assert week.expires_at == NOW + timedelta(days=7) and week.due_at == NOW + timedelta(days=6)
    assert open_card(CardType.DISPUTE, order(OrderState.IN_PROGRESS), by=BUYER).expires_at is None
    assert due_at(NOW, None) is None

    complete = open_card(CardType.COMPLETE, order(OrderState.IN_PROGRESS))
    assert not complete.expire(now=NOW + timedelta(hours=71))
    assert complete.remind(now=NOW + timedelta(hours=48)) and not complete.remind(now=NOW + timedelta(hours=49))
    assert complete.expire(now=NOW + timedelta(hours=72)) and complete.state is CardState.ACCEPTED
    accepted = complete.pull_events()[-1]
    assert accepted.actor == "" and getattr(accepted, "state", None) is CardState.ACCEPTED

    extras = open_card(CardType.EXTRAS, view)
    assert extras.expire(now=NOW + timedelta(hours=48)) and extras.state is CardState.EXPIRED
    assert not extras.expire(now=NOW + timedelta(hours=49)) and not extras.remind(now=NOW + timedelta(hours=49))


def test_only_the_creator_cancels_an_open_card_and_a_cancelled_order_withdraws_it() -> None:
    view = order()
    card = open_card(CardType.EXTRAS, view)
    with fails(ErrorCode.PERMISSION_DENIED):
        card.cancel(order=view, user_id=BUYER, expected_version=1, now=NOW)
    with fails(ErrorCode.CONFLICT):
        card.cancel(order=view, user_id=PROVIDER, expected_version=5, now=NOW)
    card.cancel(order=view, user_id=PROVIDER, expected_version=1, now=NOW)
    assert card.state is CardState.CANCELLED and not card.withdraw(now=NOW)
    other = open_card(CardType.RESCHEDULE, view, by=BUYER)
    assert other.withdraw(now=NOW) and other.state is CardState.CANCELLED
    assert open_types([card, other]) == set()


ACTIONS = st.sampled_from(list(CardAction))
PEOPLE = st.sampled_from([BUYER, PROVIDER, STRANGER])


@settings(max_examples=200, deadline=None)
@given(
    card_type=st.sampled_from(list(CardType)), steps=st.lists(st.tuples(PEOPLE, ACTIONS, st.booleans()), max_size=12)
)
def test_any_sequence_of_responses_moves_a_card_only_forward_one_version_at_a_time(
    card_type: CardType, steps: list[tuple[str, CardAction, bool]]
) -> None:
    view = order(OrderState.IN_PROGRESS)
    creator = BUYER if card_type in (CardType.DISPUTE, CardType.COMPLETE, CardType.RESCHEDULE) else PROVIDER
    card = open_card(card_type, view, by=creator)
    answers = {
        CardAction.ACCEPT: {"slotIndex": 0} if card_type is CardType.RESCHEDULE else None,
        CardAction.DECLINE: {"reason": "no"},
        CardAction.COUNTER: slots(view, 5),
        CardAction.APPROVE: {"mediaIds": ["med_1"], "final": False} if card_type is CardType.PROOFS else None,
        CardAction.REQUEST_CHANGES: {"notes": "n"},
        CardAction.UPLOAD: {"media": [{"mediaId": "med_new", "nsfw": False}]}
        if card_type is CardType.PROOFS
        else {"mediaIds": ["med_e"]},
    }
    for number, (who, action, final) in enumerate(steps):
        before_state, before_version = card.state, card.version
        payload = answers[action]
        if action is CardAction.APPROVE and card_type is CardType.PROOFS:
            payload = {"mediaIds": ["med_1"], "final": final}
        if action is CardAction.UPLOAD and card_type is CardType.PROOFS:
            payload = {"media": [{"mediaId": f"med_new{number}", "nsfw": False}]}
        try:
            card.respond(order=view, responder_id=who, action=action, raw_payload=payload,
                         expected_version=card.version, response_id=f"r{number}", now=NOW)  # fmt: skip
        except DomainError:
            assert (card.state, card.version) == (before_state, before_version)  # a refusal changes nothing
            continue
        assert card.version == before_version + 1 and before_state is CardState.OPEN
        assert who != STRANGER
        assert card.state in (CardState.OPEN, CardState.ACCEPTED, CardState.DECLINED, CardState.SUPERSEDED)


def test_an_answer_needs_the_order_still_in_a_state_the_type_allows() -> None:
    card = open_card(CardType.EXTRAS, order(OrderState.IN_PROGRESS))
    with fails(ErrorCode.FAILED_PRECONDITION, "ORDER_STATE"):
        respond(card, order(OrderState.COMPLETED), BUYER, CardAction.ACCEPT)
    with fails(ErrorCode.FAILED_PRECONDITION, "ORDER_STATE"):
        respond(card, order(OrderState.CANCELLED), BUYER, CardAction.ACCEPT)
    dispute = open_card(CardType.DISPUTE, order(OrderState.IN_PROGRESS), by=BUYER)
    respond(dispute, order(OrderState.DISPUTED), PROVIDER, CardAction.UPLOAD, {"mediaIds": ["med_e"]})
    assert card.state is CardState.OPEN and card.version == 1


def test_a_reopened_card_gets_a_fresh_deadline_and_can_be_escalated_again_but_not_on_a_cancelled_order() -> None:
    view = order()
    card = open_card(CardType.EXTRAS, view)
    respond(card, view, BUYER, CardAction.ACCEPT)
    later = NOW + timedelta(hours=47)
    assert card.escalate(now=later) and card.progress["escalated"]
    card.reopen(reason="card declined", now=later)
    assert card.state is CardState.OPEN and card.expires_at == later + timedelta(hours=48)
    assert not card.reminded and "escalated" not in card.progress and card.progress["lastFailure"] == "card declined"
    respond(card, view, BUYER, CardAction.ACCEPT)
    card.order_cancelled()
    card.reopen(reason="order cancelled", now=later)
    assert card.state is CardState.CANCELLED
