"""The support case API through the gateway, on the real services: a buyer opens a case, an agent
works it with the buyer, and redacts what should not have been written; each face shows the same
case, and each case type refuses a payload it does not take, naming the field.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from saga_tools import BUYER, key
from system_client import GraphQLError, System

from devstack.tokens import DEV_USERS, mint

AGENT, STRANGER = "u_agent_1", "u_buyer_2"
CASE_FIELDS = """id type state version priority orderId openedBy openedBySystem assigneeId subject
  firstResponseDueAt resolutionDueAt slaBreached evidencePackUrl queue description payload resolution
  createdAt updatedAt resolvedAt events { id kind actorUserId payload createdAt }"""
CASE = f"query($id: ID!) {{ supportCase(id: $id) {{ {CASE_FIELDS} }} }}"
CASES = """query($first: Int, $after: String, $states: [CaseState!]) {
  supportCases(first: $first, after: $after, states: $states) {
    edges { cursor node { id state events { kind } } } pageInfo { hasNextPage endCursor } } }"""
OPEN = f"mutation($i: OpenSupportCaseInput!) {{ openSupportCase(input: $i) {{ {CASE_FIELDS} }} }}"
REPLY = f"mutation($i: ReplyToSupportCaseInput!) {{ replyToSupportCase(input: $i) {{ {CASE_FIELDS} }} }}"
CHANGE = f"mutation($i: ChangeSupportCaseInput!) {{ changeSupportCase(input: $i) {{ {CASE_FIELDS} }} }}"
REDACT = f"mutation($i: RedactSupportCaseInput!) {{ redactSupportCase(input: $i) {{ {CASE_FIELDS} }} }}"
RESOLVE = "mutation($i: ResolveSupportCaseInput!) { resolveSupportCase(input: $i) { id state } }"


def gql(system: System, user: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """One GraphQL operation as a dev user, with the user's roles."""
    return system.gql(user, query, variables, roles=DEV_USERS[user])


def rest(system: System, user: str, method: str, path: str, body: Any = None) -> httpx.Response:
    """One /v1 call as a dev user, with the user's roles (an agent's REST calls need theirs)."""
    token = mint(user, DEV_USERS[user], secret=system.stack.jwt_secret)
    return system.http.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})


def open_case(system: System, user: str = BUYER, **overrides: Any) -> dict[str, Any]:
    """A GENERAL case about the user's account, opened by ``user``."""
    case_input = {
        "type": "GENERAL",
        "subject": "I cannot change my email",
        "description": "The settings page says the address is taken.",
        "payload": {"topic": "account"},
        "idempotencyKey": key(),
        **overrides,
    }
    opened: dict[str, Any] = gql(system, user, OPEN, {"i": case_input})["openSupportCase"]
    return opened


def violations(error: GraphQLError) -> set[str]:
    """The fields an INVALID_ARGUMENT error names."""
    assert error.code == "INVALID_ARGUMENT", error.errors
    return {violation["field"] for violation in error.extensions["violations"]}


@pytest.mark.stack
def test_a_buyer_and_an_agent_work_a_case_to_its_redaction(system: System) -> None:
    case = open_case(system)
    case_id = case["id"]
    assert (case["type"], case["state"], case["priority"], case["openedBy"]) == ("GENERAL", "NEW", "normal", BUYER)
    assert (case["openedBySystem"], case["orderId"], case["assigneeId"]) == (False, None, None)
    assert case["payload"] == {"topic": "account"}
    assert case["firstResponseDueAt"] is not None and case["resolution"] is None
    assert [event["kind"] for event in case["events"]] == ["opened"]

    # The buyer sees it; another buyer may not know it exists.
    listed = gql(system, BUYER, CASES, {"first": 50})["supportCases"]
    assert case_id in [edge["node"]["id"] for edge in listed["edges"]]
    assert gql(system, STRANGER, CASE, {"id": case_id}) == {"supportCase": None}
    assert rest(system, STRANGER, "GET", f"/v1/support/cases/{case_id}").status_code == 404
    assert case_id not in [edge["node"]["id"] for edge in gql(system, STRANGER, CASES)["supportCases"]["edges"]]

    # The agent asks the buyer for more, takes the case and raises its priority.
    answer = {"caseId": case_id, "body": "Which address?", "state": "PENDING_CUSTOMER", "idempotencyKey": key()}
    case = gql(system, AGENT, REPLY, {"i": answer})["replyToSupportCase"]
    assert case["state"] == "PENDING_CUSTOMER"
    reply = case["events"][-2] if case["events"][-1]["kind"] == "state_changed" else case["events"][-1]
    assert (reply["kind"], reply["actorUserId"], reply["payload"]) == ("reply", AGENT, {"body": "Which address?"})

    assigned = rest(
        system,
        AGENT,
        "POST",
        f"/v1/support/cases/{case_id}/assignment",
        {"assigneeId": AGENT, "expectedVersion": case["version"], "idempotencyKey": key()},
    )
    assert assigned.status_code == 200, assigned.text
    case = assigned.json()
    assert (case["assigneeId"], case["state"]) == (AGENT, "PENDING_CUSTOMER")

    change = {"caseId": case_id, "priority": "high", "note": "a locked-out account", "expectedVersion": case["version"]}
    case = gql(system, AGENT, CHANGE, {"i": {**change, "idempotencyKey": key()}})["changeSupportCase"]
    assert (case["priority"], case["state"]) == ("high", "PENDING_CUSTOMER")
    assert case["events"][-1]["kind"] == "priority_changed"

    # The buyer answers: the case is back with the team.
    message = {
        "caseId": case_id,
        "body": "It is me@example.com, my card is 4242 4242 4242 4242",
        "idempotencyKey": key(),
    }
    case = gql(system, BUYER, REPLY, {"i": message})["replyToSupportCase"]
    assert case["state"] == "OPEN"
    [buyers] = [event for event in case["events"] if event["kind"] == "message"]
    assert (buyers["actorUserId"], buyers["payload"]["body"]) == (BUYER, message["body"])

    # Both faces show the buyer the same case, and the listing's case its history when asked.
    shown = gql(system, BUYER, CASE, {"id": case_id})["supportCase"]
    assert shown == case
    response = rest(system, BUYER, "GET", f"/v1/support/cases/{case_id}")
    assert response.status_code == 200, response.text
    assert response.json() == shown
    listed = gql(system, BUYER, CASES, {"first": 50, "states": ["OPEN"]})["supportCases"]
    [node] = [edge["node"] for edge in listed["edges"] if edge["node"]["id"] == case_id]
    assert node["events"] == [{"kind": event["kind"]} for event in shown["events"]]
    rest_listed = rest(system, BUYER, "GET", "/v1/support/cases?first=50&states=OPEN").json()
    [rest_node] = [edge["node"] for edge in rest_listed["edges"] if edge["node"]["id"] == case_id]
    assert rest_node == {name: value for name, value in shown.items() if name != "events"}

    # The agent redacts the card number; who, when and why stay on the case.
    redaction = {"caseId": case_id, "eventId": buyers["id"], "reason": "a card number", "idempotencyKey": key()}
    case = gql(system, AGENT, REDACT, {"i": redaction})["redactSupportCase"]
    [redacted_message] = [event for event in case["events"] if event["id"] == buyers["id"]]
    assert redacted_message["payload"]["body"] == "[redacted]"
    assert (redacted_message["actorUserId"], redacted_message["createdAt"]) == (BUYER, buyers["createdAt"])
    redacted = case["events"][-1]
    assert (redacted["kind"], redacted["actorUserId"]) == ("redacted", AGENT)
    assert redacted["payload"]["reason"] == "a card number"
    assert buyers["id"] in redacted["payload"].values()


@pytest.mark.stack
def test_an_agent_redacts_a_field_of_the_case(system: System) -> None:
    case = open_case(system, description="Call me on +1 212 555 0100 about it.")
    redaction = {"caseId": case["id"], "field": "description", "reason": "a phone number", "idempotencyKey": key()}
    case = gql(system, AGENT, REDACT, {"i": redaction})["redactSupportCase"]
    assert case["description"] == "[redacted]"
    redacted = case["events"][-1]
    assert (redacted["kind"], redacted["actorUserId"]) == ("redacted", AGENT)
    assert redacted["payload"] == {"target": "description", "reason": "a phone number"}
    assert gql(system, BUYER, CASE, {"id": case["id"]})["supportCase"]["description"] == "[redacted]"


@pytest.mark.stack
def test_the_rest_twins_answer_as_graphql_does(system: System) -> None:
    body = {
        "type": "GENERAL",
        "subject": "Where is my receipt?",
        "description": "I need it for my taxes.",
        "payload": {"topic": "receipts"},
        "idempotencyKey": key(),
    }
    opened = rest(system, BUYER, "POST", "/v1/support/cases", body)
    assert opened.status_code == 200, opened.text
    case_id = opened.json()["id"]
    assert opened.json()["payload"] == {"topic": "receipts"}

    replied = rest(
        system,
        AGENT,
        "POST",
        f"/v1/support/cases/{case_id}/messages",
        {"body": "Sent it again.", "state": "PENDING_CUSTOMER", "idempotencyKey": key()},
    )
    assert replied.status_code == 200, replied.text
    version = replied.json()["version"]
    changed = rest(
        system,
        AGENT,
        "POST",
        f"/v1/support/cases/{case_id}/changes",
        {"priority": "low", "expectedVersion": version, "idempotencyKey": key()},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["state"], changed.json()["priority"]) == ("PENDING_CUSTOMER", "low")
    assert changed.json() == gql(system, BUYER, CASE, {"id": case_id})["supportCase"]

    stale = rest(
        system,
        AGENT,
        "POST",
        f"/v1/support/cases/{case_id}/changes",
        {"priority": "high", "expectedVersion": version, "idempotencyKey": key()},
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["currentVersion"] == changed.json()["version"]

    denied = rest(
        system,
        BUYER,
        "POST",
        f"/v1/support/cases/{case_id}/redactions",
        {"field": "description", "reason": "x", "idempotencyKey": key()},
    )
    assert denied.status_code == 403


@pytest.mark.stack
def test_a_retry_with_the_same_key_returns_the_same_case(system: System) -> None:
    same = key()
    first = open_case(system, idempotencyKey=same)
    again = open_case(system, idempotencyKey=same)
    assert again["id"] == first["id"]
    assert again["version"] == first["version"]
    assert [edge["node"]["id"] for edge in gql(system, BUYER, CASES, {"first": 100})["supportCases"]["edges"]].count(
        first["id"]
    ) == 1


@pytest.mark.stack
def test_the_cases_of_a_user_page_on_with_the_end_cursor(system: System) -> None:
    opener = "u_provider_2"
    opened = [open_case(system, opener)["id"] for _ in range(3)]
    first = gql(system, opener, CASES, {"first": 2})["supportCases"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest_of = gql(system, opener, CASES, {"first": 100, "after": first["pageInfo"]["endCursor"]})["supportCases"]
    seen = [edge["node"]["id"] for edge in first["edges"] + rest_of["edges"]]
    assert len(seen) == len(set(seen))
    # Newest first, each once, across the two pages.
    assert [case_id for case_id in seen if case_id in opened] == opened[::-1]


BAD_PAYLOADS = {
    "GENERAL": ({"topic": "account", "urgency": "now"}, "input.payload.urgency"),
    "REFUND": ({"amountCents": 500}, "input.payload.reason"),
    "PAYMENT_ISSUE": ({"kind": "lost_wallet"}, "input.payload.kind"),
    "DMCA": (
        {
            "copyrightedWork": "My photo series 'Harbour at dawn'",
            "infringingMediaIds": ["med_0123456789abcdef"],
            "contact": {"name": "Ann Author", "email": "ann@example.com"},
            "goodFaith": True,
            "accurateUnderPenaltyOfPerjury": True,
        },
        "input.payload.signature",
    ),
    "POLICY_VIOLATION": (
        {"target": {"kind": "planet", "id": "u_provider_1"}, "category": "spam"},
        "input.payload.target.kind",
    ),
}


@pytest.mark.stack
@pytest.mark.parametrize("case_type", list(BAD_PAYLOADS))
def test_each_type_names_the_payload_field_it_refuses(system: System, case_type: str) -> None:
    payload, field = BAD_PAYLOADS[case_type]
    with pytest.raises(GraphQLError) as refused:
        open_case(system, type=case_type, payload=payload)
    assert field in violations(refused.value)

    response = rest(
        system,
        BUYER,
        "POST",
        "/v1/support/cases",
        {"type": case_type, "subject": "s", "description": "d", "payload": payload, "idempotencyKey": key()},
    )
    assert response.status_code == 400
    assert field.removeprefix("input.") in {v["field"] for v in response.json()["error"]["violations"]}


@pytest.mark.stack
@pytest.mark.parametrize("case_type", ["BOOKING_DISPUTE", "CHARGEBACK"])
def test_cases_that_open_by_themselves_cannot_be_opened(system: System, case_type: str) -> None:
    with pytest.raises(GraphQLError) as refused:
        open_case(system, type=case_type, payload={})
    assert refused.value.code == "FAILED_PRECONDITION"


@pytest.mark.stack
def test_a_buyer_cannot_resolve_their_own_case(system: System) -> None:
    case = open_case(system)
    resolution = {
        "caseId": case["id"],
        "resolution": {"refundCents": 0, "note": "all good"},
        "expectedVersion": case["version"],
        "idempotencyKey": key(),
    }
    with pytest.raises(GraphQLError) as refused:
        gql(system, BUYER, RESOLVE, {"i": resolution})
    assert refused.value.code == "PERMISSION_DENIED"
    assert gql(system, BUYER, CASE, {"id": case["id"]})["supportCase"]["state"] == "NEW"
