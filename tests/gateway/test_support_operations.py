"""The support case API reaches support with the caller and shows its cases the contract's way.

Support here is a test double in front of one case of BUYER (opened by the system, as a
chargeback is) and one of PROVIDER; agents see both, anyone else neither. It records every
request, so each test can check what the gateway sent for what the client asked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
import pytest_asyncio
from gateway_stack import BUYER, KEYS, PROVIDER, START, STRANGER, Recorded, Stack, bearer, running_gateway, settings_for
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from callsheet.support.v1 import support_pb2, support_pb2_grpc
from callsheet_kit.errors import invalid_field, not_found, permission_denied
from callsheet_kit.identity import current_caller
from callsheet_kit.keys import public_key_from_text
from callsheet_kit.rpc import ServerCallerInterceptor

AGENT = "u_agent_1"
AGENT_ROLES = ["support_agent"]
SYSTEM_CASE, PROVIDER_CASE = "case_sys", "case_prov"
# Who takes part in each case.
PARTICIPANT = {SYSTEM_CASE: BUYER, PROVIDER_CASE: PROVIDER}
NEXT_PAGE = "tok_after_case_sys"
CASE_FIELDS = """id type state version priority orderId openedBy openedBySystem assigneeId subject
  firstResponseDueAt resolutionDueAt slaBreached evidencePackUrl queue description payload resolution
  createdAt updatedAt resolvedAt events { id kind actorUserId payload createdAt }"""


def _ts(seconds: int = 0) -> Timestamp:
    stamp = Timestamp()
    stamp.FromSeconds(int(START.timestamp()) + seconds)
    return stamp


def _case(case_id: str, *, opened_by: str, **fields: Any) -> support_pb2.SupportCase:
    summary = support_pb2.CaseSummary(
        id=case_id,
        type="CHARGEBACK" if not opened_by else "GENERAL",
        state="OPEN",
        priority="urgent" if not opened_by else "normal",
        subject="Card holder disputes the charge" if not opened_by else "Login trouble",
        order_id="ord_1" if not opened_by else "",
        opened_by=opened_by,
        first_response_due=_ts(3600),
        sla_breached=False,
    )
    if not opened_by:
        summary.resolution_due.CopyFrom(_ts(7 * 86400))
    events = [
        support_pb2.CaseEvent(
            id=f"cev_{case_id}_1",
            kind="opened",
            actor_user_id=opened_by,
            payload_json='{"queue":"q"}',
            created_at=_ts(),
        ),
        support_pb2.CaseEvent(
            id=f"cev_{case_id}_2", kind="reply", actor_user_id=AGENT, payload_json='{"body":"Hi"}', created_at=_ts(60)
        ),
    ]
    message = support_pb2.SupportCase(
        summary=summary,
        version=3,
        queue="chargebacks" if not opened_by else "general",
        description="The bank says so",
        payload_json='{"disputeId":"dsp_1"}' if not opened_by else "{}",
        events=events,
        created_at=_ts(),
        updated_at=_ts(60),
    )
    message.MergeFrom(support_pb2.SupportCase(**fields))
    return message


@dataclass
class FakeSupport(support_pb2_grpc.SupportServiceServicer):  # type: ignore[misc]
    """Support with SYSTEM_CASE (BUYER takes part) and PROVIDER_CASE (PROVIDER's); staff see both."""

    recorded: Recorded
    requests: dict[str, list[Message]] = field(default_factory=dict)

    def _note(self, method: str, request: Message, context: Any) -> None:
        self.recorded.note(method, context)
        self.requests.setdefault(method, []).append(request)

    def _visible(self, case_id: str) -> support_pb2.SupportCase:
        caller = current_caller()
        if case_id not in PARTICIPANT or not (caller.is_staff or caller.user_id == PARTICIPANT[case_id]):
            raise not_found("case")
        if case_id == SYSTEM_CASE:
            return _case(SYSTEM_CASE, opened_by="")
        return _case(PROVIDER_CASE, opened_by=PROVIDER, assignee_id=AGENT, evidence_pack_url="https://files/ev.zip")

    async def GetCase(self, request: support_pb2.GetCaseRequest, context: Any) -> support_pb2.GetCaseResponse:
        self._note("GetCase", request, context)
        return support_pb2.GetCaseResponse(case=self._visible(request.case_id))

    async def ListCases(self, request: support_pb2.ListCasesRequest, context: Any) -> support_pb2.ListCasesResponse:
        self._note("ListCases", request, context)
        caller = current_caller()
        if (request.queue or request.assignee_id) and not caller.is_staff:
            raise permission_denied("only support agents list a queue's or an agent's cases")
        edges = []
        for case_id in (PROVIDER_CASE, SYSTEM_CASE):
            if caller.is_staff or caller.user_id == PARTICIPANT[case_id]:
                case = self._visible(case_id)
                del case.events[:]  # a listing's cases come without their history
                edges.append(support_pb2.CaseEdge(cursor=f"tok_after_{case_id}", case=case))
        # As support does: the next page's token is the cursor of the page's last case.
        token = edges[-1].cursor if len(edges) > 1 else ""
        return support_pb2.ListCasesResponse(edges=edges, next_page_token=token)

    async def OpenCase(self, request: support_pb2.OpenCaseRequest, context: Any) -> support_pb2.OpenCaseResponse:
        self._note("OpenCase", request, context)
        if request.type == "REFUND" and '"reason"' not in request.payload_json:
            raise invalid_field("payload.reason", "is required")
        opened = _case("case_new", opened_by=current_caller().user_id)
        opened.summary.type, opened.payload_json = request.type, request.payload_json or "{}"
        return support_pb2.OpenCaseResponse(case=opened)

    async def ReplyToCase(self, request: support_pb2.ReplyToCaseRequest, context: Any) -> Any:
        self._note("ReplyToCase", request, context)
        return support_pb2.ReplyToCaseResponse(case=self._visible(request.case_id))

    async def AssignCase(self, request: support_pb2.AssignCaseRequest, context: Any) -> Any:
        self._note("AssignCase", request, context)
        return support_pb2.AssignCaseResponse(case=self._visible(request.case_id))

    async def ChangeCase(self, request: support_pb2.ChangeCaseRequest, context: Any) -> Any:
        self._note("ChangeCase", request, context)
        return support_pb2.ChangeCaseResponse(case=self._visible(request.case_id))

    async def RedactCase(self, request: support_pb2.RedactCaseRequest, context: Any) -> Any:
        self._note("RedactCase", request, context)
        return support_pb2.RedactCaseResponse(case=self._visible(request.case_id))

    async def ResolveCase(self, request: support_pb2.ResolveCaseRequest, context: Any) -> Any:
        self._note("ResolveCase", request, context)
        case = self._visible(request.case_id)
        if not current_caller().is_staff:
            raise permission_denied("only support agents resolve cases")
        case.summary.state, case.resolution_json = "RESOLVED", request.resolution_json
        case.resolved_at.CopyFrom(_ts(120))
        return support_pb2.ResolveCaseResponse(case=case)

    async def ActOnDmca(self, request: support_pb2.ActOnDmcaRequest, context: Any) -> Any:
        self._note("ActOnDmca", request, context)
        return support_pb2.ActOnDmcaResponse(case=self._visible(request.case_id))

    async def GetStrikes(self, request: support_pb2.GetStrikesRequest, context: Any) -> Any:
        self._note("GetStrikes", request, context)
        strikes = [
            support_pb2.Strike(case_id="case_d1", kind="DMCA", created_at=_ts(), withdrawn_at=_ts(86400)),
            support_pb2.Strike(case_id="case_p1", kind="POLICY_VIOLATION", created_at=_ts(3600)),
        ]
        return support_pb2.GetStrikesResponse(strikes=strikes, active=1)


@dataclass
class SupportStack:
    """The gateway in front of the fake support (the other services are the shared fakes)."""

    stack: Stack
    support: FakeSupport

    def sent(self, method: str) -> Any:
        """The last request support took for ``method``."""
        return self.support.requests[method][-1]

    def calls(self, method: str) -> int:
        """How many requests support took for ``method``."""
        return len(self.support.requests.get(method, []))

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *, user: str = BUYER) -> Any:
        """One GraphQL operation as ``user`` (agents with their role)."""
        roles = AGENT_ROLES if user == AGENT else None
        return await self.stack.graphql(query, variables, headers=bearer(user, roles))

    async def rest(self, method: str, path: str, body: Any = None, *, user: str = BUYER) -> Any:
        """One /v1 call as ``user`` (agents with their role)."""
        roles = AGENT_ROLES if user == AGENT else None
        return await self.stack.client.request(method, path, json=body, headers=bearer(user, roles))


@pytest_asyncio.fixture(scope="module")
async def support(fake_services: tuple[dict[str, int], Recorded]) -> AsyncIterator[SupportStack]:
    """The gateway with support answered by FakeSupport."""
    ports, recorded = fake_services
    server = grpc.aio.server(
        interceptors=[
            ServerCallerInterceptor(
                audience="support", keyring={"gateway": public_key_from_text(KEYS.public_keys["gateway"])}
            )
        ]
    )
    fake = FakeSupport(recorded)
    support_pb2_grpc.add_SupportServiceServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with running_gateway(settings_for({**ports, "support": port}), recorded) as stack:
            yield SupportStack(stack, fake)
    finally:
        await server.stop(0)


CASE = f"query($id: ID!) {{ supportCase(id: $id) {{ {CASE_FIELDS} }} }}"


@pytest.mark.asyncio
async def test_a_case_maps_every_field_and_its_history_comes_in_one_call(support: SupportStack) -> None:
    calls = support.calls("GetCase")
    body = await support.gql(CASE, {"id": SYSTEM_CASE})
    assert "errors" not in body, body
    assert support.calls("GetCase") == calls + 1
    assert body["data"]["supportCase"] == {
        "id": SYSTEM_CASE,
        "type": "CHARGEBACK",
        "state": "OPEN",
        "version": 3,
        "priority": "urgent",
        "orderId": "ord_1",
        # The system opened it: the contract's openedBy is never null.
        "openedBy": "system",
        "openedBySystem": True,
        "assigneeId": None,
        "subject": "Card holder disputes the charge",
        "firstResponseDueAt": "2030-05-01T11:00:00Z",
        "resolutionDueAt": "2030-05-08T10:00:00Z",
        "slaBreached": False,
        "evidencePackUrl": None,
        "queue": "chargebacks",
        "description": "The bank says so",
        "payload": {"disputeId": "dsp_1"},
        "resolution": None,
        "createdAt": "2030-05-01T10:00:00Z",
        "updatedAt": "2030-05-01T10:01:00Z",
        "resolvedAt": None,
        "events": [
            {
                "id": "cev_case_sys_1",
                "kind": "opened",
                "actorUserId": None,
                "payload": {"queue": "q"},
                "createdAt": "2030-05-01T10:00:00Z",
            },
            {
                "id": "cev_case_sys_2",
                "kind": "reply",
                "actorUserId": AGENT,
                "payload": {"body": "Hi"},
                "createdAt": "2030-05-01T10:01:00Z",
            },
        ],
    }
    assert support.sent("GetCase").case_id == SYSTEM_CASE

    response = await support.rest("GET", f"/v1/support/cases/{SYSTEM_CASE}")
    assert response.status_code == 200, response.text
    assert response.json() == body["data"]["supportCase"]


@pytest.mark.asyncio
async def test_a_case_the_caller_may_not_know_is_null_and_404(support: SupportStack) -> None:
    body = await support.gql(CASE, {"id": SYSTEM_CASE}, user=STRANGER)
    assert body == {"data": {"supportCase": None}}

    response = await support.rest("GET", f"/v1/support/cases/{SYSTEM_CASE}", user=STRANGER)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.asyncio
async def test_a_case_id_too_long_is_refused_before_support_is_asked(support: SupportStack) -> None:
    calls = support.calls("GetCase")
    response = await support.rest("GET", "/v1/support/cases/" + "c" * 65)
    assert response.status_code == 400
    assert [v["field"] for v in response.json()["error"]["violations"]] == ["caseId"]
    assert support.calls("GetCase") == calls


LIST = """query($states: [CaseState!], $types: [CaseType!], $first: Int) {
  supportCases(first: $first, states: $states, types: $types) {
    edges { cursor node { id openedBy assigneeId evidencePackUrl } } pageInfo { hasNextPage endCursor } } }"""


@pytest.mark.asyncio
async def test_the_list_passes_its_filters_and_pages_on_supports_token(support: SupportStack) -> None:
    body = await support.gql(LIST, {"states": ["OPEN", "ESCALATED"], "types": ["GENERAL"], "first": 5}, user=AGENT)
    assert "errors" not in body, body
    page = body["data"]["supportCases"]
    assert [edge["node"]["id"] for edge in page["edges"]] == [PROVIDER_CASE, SYSTEM_CASE]
    assert page["edges"][0]["node"] == {
        "id": PROVIDER_CASE,
        "openedBy": PROVIDER,
        "assigneeId": AGENT,
        "evidencePackUrl": "https://files/ev.zip",
    }
    # The next page starts after the last case's cursor, which is the token support gave.
    assert page["pageInfo"] == {"hasNextPage": True, "endCursor": NEXT_PAGE}
    sent = support.sent("ListCases")
    assert (list(sent.states), list(sent.types), sent.page_size) == (["OPEN", "ESCALATED"], ["GENERAL"], 5)
    assert (sent.queue, sent.assignee_id) == ("", "")

    await support.gql(
        "query($after: String) { supportCases(after: $after) { pageInfo { hasNextPage } } }", {"after": NEXT_PAGE}
    )
    assert support.sent("ListCases").page_token == NEXT_PAGE

    response = await support.rest(
        "GET", "/v1/support/cases?first=5&states=OPEN&states=ESCALATED&types=GENERAL", user=AGENT
    )
    assert response.status_code == 200, response.text
    rest_page = response.json()
    assert rest_page["pageInfo"] == page["pageInfo"]
    assert [edge["node"]["id"] for edge in rest_page["edges"]] == [PROVIDER_CASE, SYSTEM_CASE]
    # A listing shows no history on REST: the case's own route does.
    assert "events" not in rest_page["edges"][0]["node"]
    assert rest_page["edges"][1]["node"]["openedBy"] == "system"
    sent = support.sent("ListCases")
    assert (list(sent.states), list(sent.types)) == (["OPEN", "ESCALATED"], ["GENERAL"])


@pytest.mark.asyncio
async def test_a_listed_cases_history_is_asked_for_only_when_selected(support: SupportStack) -> None:
    calls = support.calls("GetCase")
    await support.gql(LIST, user=AGENT)
    assert support.calls("GetCase") == calls

    body = await support.gql("{ supportCases { edges { node { id events { kind actorUserId } } } } }", user=AGENT)
    assert "errors" not in body, body
    nodes = [edge["node"] for edge in body["data"]["supportCases"]["edges"]]
    assert nodes[1] == {
        "id": SYSTEM_CASE,
        "events": [{"kind": "opened", "actorUserId": None}, {"kind": "reply", "actorUserId": AGENT}],
    }
    assert support.calls("GetCase") == calls + 2


@pytest.mark.asyncio
async def test_agents_list_a_queue_or_their_own_cases(support: SupportStack) -> None:
    query = """query($queue: String, $assignee: String) {
      supportQueue(queue: $queue, assigneeId: $assignee, states: [OPEN]) { edges { node { id } } } }"""
    body = await support.gql(query, {"queue": "general", "assignee": "me"}, user=AGENT)
    assert "errors" not in body, body
    sent = support.sent("ListCases")
    assert (sent.queue, sent.assignee_id, list(sent.states)) == ("general", "me", ["OPEN"])

    denied = await support.gql(query, {"queue": "general"})
    assert denied["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"

    response = await support.rest("GET", "/v1/support/cases?queue=general&assigneeId=u_agent_1", user=AGENT)
    assert response.status_code == 200, response.text
    assert (support.sent("ListCases").queue, support.sent("ListCases").assignee_id) == ("general", AGENT)


OPEN = "mutation($i: OpenSupportCaseInput!) { openSupportCase(input: $i) { id type openedBy payload events { kind } } }"


@pytest.mark.asyncio
async def test_open_sends_the_payload_as_json_and_rest_twins_it(support: SupportStack) -> None:
    case_input = {
        "type": "GENERAL",
        "subject": "Login trouble",
        "description": "I cannot log in.\nSince Tuesday.",
        "payload": {"topic": "account"},
        "idempotencyKey": "k-open-1",
    }
    calls = support.calls("GetCase")
    body = await support.gql(OPEN, {"i": case_input})
    assert "errors" not in body, body
    assert body["data"]["openSupportCase"] == {
        "id": "case_new",
        "type": "GENERAL",
        "openedBy": BUYER,
        "payload": {"topic": "account"},
        "events": [{"kind": "opened"}, {"kind": "reply"}],
    }
    assert support.calls("GetCase") == calls
    sent = support.sent("OpenCase")
    assert (sent.request_id, sent.type, sent.order_id, sent.payload_json) == (
        "k-open-1",
        "GENERAL",
        "",
        '{"topic":"account"}',
    )
    assert sent.description == "I cannot log in.\nSince Tuesday."

    response = await support.rest("POST", "/v1/support/cases", {**case_input, "orderId": "ord_1", "payload": None})
    assert response.status_code == 200, response.text
    assert (response.json()["id"], response.json()["events"][0]["kind"]) == ("case_new", "opened")
    sent = support.sent("OpenCase")
    assert (sent.order_id, sent.payload_json) == ("ord_1", "")


@pytest.mark.asyncio
async def test_a_bad_payload_names_the_field_under_the_input(support: SupportStack) -> None:
    refund = {"type": "REFUND", "orderId": "ord_1", "subject": "s", "description": "d", "idempotencyKey": "k-r"}
    body = await support.gql(OPEN, {"i": {**refund, "payload": {}}})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT"
    assert error["extensions"]["violations"] == [{"field": "input.payload.reason", "description": "is required"}]

    response = await support.rest("POST", "/v1/support/cases", {**refund, "payload": {}})
    assert response.status_code == 400
    assert response.json()["error"]["violations"] == [{"field": "payload.reason", "description": "is required"}]

    unknown = await support.gql(OPEN, {"i": {**refund, "type": "COMPLAINT"}})
    assert unknown["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"


COMMANDS: list[tuple[str, str, str, dict[str, Any], str, dict[str, Any]]] = [
    (
        "replyToSupportCase",
        "ReplyToSupportCaseInput",
        "messages",
        {"body": "Could you send a screenshot?", "state": "PENDING_CUSTOMER", "internal": False},
        "ReplyToCase",
        {"body": "Could you send a screenshot?", "state": "PENDING_CUSTOMER", "internal": False},
    ),
    (
        "assignSupportCase",
        "AssignSupportCaseInput",
        "assignment",
        {"assigneeId": AGENT, "expectedVersion": 3},
        "AssignCase",
        {"assignee_id": AGENT, "expected_version": 3},
    ),
    (
        "changeSupportCase",
        "ChangeSupportCaseInput",
        "changes",
        {"priority": "high", "note": "VIP", "expectedVersion": 3},
        "ChangeCase",
        {"state": "", "priority": "high", "note": "VIP", "expected_version": 3},
    ),
    (
        "redactSupportCase",
        "RedactSupportCaseInput",
        "redactions",
        {"eventId": "cev_case_sys_2", "reason": "a card number"},
        "RedactCase",
        {"event_id": "cev_case_sys_2", "field": "", "reason": "a card number"},
    ),
    (
        "actOnDmcaCase",
        "ActOnDmcaCaseInput",
        "dmca-actions",
        {"action": "ACCEPT", "payload": {"note": "clear match"}, "expectedVersion": 3},
        "ActOnDmca",
        {"action": "ACCEPT", "payload_json": '{"note":"clear match"}', "expected_version": 3},
    ),
    (
        "resolveSupportCase",
        "ResolveSupportCaseInput",
        "resolution",
        {"resolution": {"refundCents": 0, "note": "Explained"}, "expectedVersion": 3},
        "ResolveCase",
        {"resolution_json": '{"refundCents":0,"note":"Explained"}', "expected_version": 3},
    ),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("field", "input_type", "route", "fields", "method", "expected"), COMMANDS, ids=[c[0] for c in COMMANDS]
)
async def test_a_command_on_a_case_reaches_support_from_either_face(
    support: SupportStack,
    field: str,
    input_type: str,
    route: str,
    fields: dict[str, Any],
    method: str,
    expected: dict[str, Any],
) -> None:
    mutation = f"mutation($i: {input_type}!) {{ {field}(input: $i) {{ id version events {{ id }} }} }}"
    body = await support.gql(
        mutation, {"i": {"caseId": SYSTEM_CASE, "idempotencyKey": f"k-{route}", **fields}}, user=AGENT
    )
    assert "errors" not in body, body
    assert body["data"][field]["id"] == SYSTEM_CASE
    assert len(body["data"][field]["events"]) == 2
    sent = support.sent(method)
    assert (sent.case_id, sent.request_id) == (SYSTEM_CASE, f"k-{route}")
    assert {name: getattr(sent, name) for name in expected} == expected

    response = await support.rest(
        "POST", f"/v1/support/cases/{SYSTEM_CASE}/{route}", {"idempotencyKey": f"k-rest-{route}", **fields}, user=AGENT
    )
    assert response.status_code == 200, response.text
    assert (response.json()["id"], len(response.json()["events"])) == (SYSTEM_CASE, 2)
    sent = support.sent(method)
    assert (sent.case_id, sent.request_id) == (SYSTEM_CASE, f"k-rest-{route}")
    assert {name: getattr(sent, name) for name in expected} == expected


@pytest.mark.asyncio
async def test_no_assignee_takes_the_case_off_its_assignee(support: SupportStack) -> None:
    mutation = "mutation($i: AssignSupportCaseInput!) { assignSupportCase(input: $i) { id } }"
    unassign = {"caseId": PROVIDER_CASE, "assigneeId": None, "expectedVersion": 3, "idempotencyKey": "k-off"}
    body = await support.gql(mutation, {"i": unassign}, user=AGENT)
    assert "errors" not in body, body
    assert support.sent("AssignCase").assignee_id == ""


@pytest.mark.asyncio
async def test_resolving_shows_the_resolution_and_is_refused_to_a_buyer(support: SupportStack) -> None:
    mutation = (
        "mutation($i: ResolveSupportCaseInput!) { resolveSupportCase(input: $i) { state resolution resolvedAt } }"
    )
    resolution = {
        "caseId": SYSTEM_CASE,
        "resolution": {"refundCents": 500, "note": "Partial"},
        "expectedVersion": 3,
        "idempotencyKey": "k-res",
    }
    body = await support.gql(mutation, {"i": resolution}, user=AGENT)
    assert body["data"]["resolveSupportCase"] == {
        "state": "RESOLVED",
        "resolution": {"refundCents": 500, "note": "Partial"},
        "resolvedAt": "2030-05-01T10:02:00Z",
    }
    denied = await support.gql(mutation, {"i": resolution})
    assert denied["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    response = await support.rest(
        "POST", f"/v1/support/cases/{SYSTEM_CASE}/resolution", {k: v for k, v in resolution.items() if k != "caseId"}
    )
    assert response.status_code == 403


@pytest.mark.asyncio
async def test_strikes_count_and_show_their_withdrawal(support: SupportStack) -> None:
    body = await support.gql(
        "query($u: ID!) { userStrikes(userId: $u) { active strikes { caseId kind createdAt withdrawnAt } } }",
        {"u": PROVIDER},
        user=AGENT,
    )
    assert "errors" not in body, body
    assert body["data"]["userStrikes"] == {
        "active": 1,
        "strikes": [
            {
                "caseId": "case_d1",
                "kind": "DMCA",
                "createdAt": "2030-05-01T10:00:00Z",
                "withdrawnAt": "2030-05-02T10:00:00Z",
            },
            {"caseId": "case_p1", "kind": "POLICY_VIOLATION", "createdAt": "2030-05-01T11:00:00Z", "withdrawnAt": None},
        ],
    }
    assert support.sent("GetStrikes").user_id == PROVIDER
    response = await support.rest("GET", f"/v1/support/strikes/{PROVIDER}", user=AGENT)
    assert response.status_code == 200, response.text
    assert response.json() == body["data"]["userStrikes"]
