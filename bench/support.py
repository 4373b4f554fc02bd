"""The support operations: the help centre's search and "this solved it", opening a case, reading
cases, an agent's reply, change and resolution, a redaction, a DMCA rejection and a user's strikes.

Every mutation acts on a case of its own: ``prepare`` opens them beforehand (GENERAL cases for
the agent's work, DMCA notices for the rejections), so no request waits on another's lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from bench.client import Connection

# The names the bench reports them under, in the order it runs them.
SUPPORT_OPERATIONS = (
    "helpArticles",
    "recordHelpDeflection",
    "openSupportCase",
    "supportCase",
    "supportCases(first: 20)",
    "replyToSupportCase (agent)",
    "changeSupportCase (agent)",
    "redactSupportCase (agent)",
    "resolveSupportCase (agent)",
    "actOnDmcaCase (REJECT)",
    "userStrikes (agent)",
)

QUERIES = ("cancel my booking refund", "reschedule", "payout", "dispute", "proofs changes", "dmca counter notice")
SEARCH = "query($q: String!) { helpArticles(query: $q) { id title url searchId rank } }"
DEFLECT = "mutation($s: ID!, $a: ID!) { recordHelpDeflection(searchId: $s, articleId: $a) }"
FIELDS = (
    "id type state version priority slaBreached firstResponseDueAt events { id kind actorUserId payload createdAt }"
)
OPEN = f"mutation($i: OpenSupportCaseInput!) {{ openSupportCase(input: $i) {{ {FIELDS} }} }}"
CASE = f"query($id: ID!) {{ supportCase(id: $id) {{ {FIELDS} }} }}"
CASES = "{ supportCases(first: 20) { edges { cursor node { id type state priority subject } } } }"
REPLY = "mutation($i: ReplyToSupportCaseInput!) { replyToSupportCase(input: $i) { id state version } }"
CHANGE = "mutation($i: ChangeSupportCaseInput!) { changeSupportCase(input: $i) { id state version } }"
REDACT = "mutation($i: RedactSupportCaseInput!) { redactSupportCase(input: $i) { id version } }"
RESOLVE = "mutation($i: ResolveSupportCaseInput!) { resolveSupportCase(input: $i) { id state version } }"
DMCA = "mutation($i: ActOnDmcaCaseInput!) { actOnDmcaCase(input: $i) { id state version } }"
STRIKES = "query($u: ID!) { userStrikes(userId: $u) { active strikes { caseId kind } } }"
NOTICE = {
    "signature": "Bench Claimant",
    "copyrightedWork": "A photograph",
    "contact": {"name": "Bench Claimant", "email": "claimant@example.test"},
    "goodFaith": True,
    "accurateUnderPenaltyOfPerjury": True,
}

Send = Callable[[Connection, int], Awaitable[None]]


def _open_input(case_type: str, payload: dict[str, Any], index: int) -> dict[str, Any]:
    return {
        "i": {
            "type": case_type,
            "subject": f"Bench case {index}",
            "description": "My payout has not arrived; my phone is +1 555 0100.",
            "payload": payload,
            "idempotencyKey": uuid.uuid4().hex,
        }
    }


class SupportCalls:
    """The support requests of a buyer (bearer ``buyer``) and a support agent (bearer ``agent``)."""

    def __init__(self, *, buyer: str, agent: str) -> None:
        self._buyer = buyer
        self._agent = agent
        self._searches: dict[int, tuple[str, str]] = {}
        self._cases: dict[str, list[dict[str, Any]]] = {}

    async def prepare(self, conn: Connection, count: int) -> None:
        """Opens the cases the agent's mutations work on: one per request of each."""
        for name in ("reply", "change", "redact", "resolve"):
            self._cases[name] = [
                (await conn.graphql(self._buyer, OPEN, _open_input("GENERAL", {"topic": "payouts"}, i)))[
                    "openSupportCase"
                ]
                for i in range(count)
            ]
        self._cases["dmca"] = [
            (
                await conn.graphql(
                    self._buyer, OPEN, _open_input("DMCA", {**NOTICE, "infringingMediaIds": [f"med_bench{i}"]}, i)
                )
            )["openSupportCase"]
            for i in range(count)
        ]

    def requests(self) -> dict[str, Send]:
        """Every support operation's request, by its bench name."""

        async def search(conn: Connection, index: int) -> None:
            found = (await conn.graphql(self._buyer, SEARCH, {"q": QUERIES[index % len(QUERIES)]}))["helpArticles"]
            self._searches[index] = (found[0]["searchId"], found[0]["id"])

        async def deflect(conn: Connection, index: int) -> None:
            search_id, article_id = self._searches[index % len(self._searches)]
            await conn.graphql(self._buyer, DEFLECT, {"s": search_id, "a": article_id})

        async def open_case(conn: Connection, index: int) -> None:
            await conn.graphql(self._buyer, OPEN, _open_input("GENERAL", {"topic": "account"}, index))

        async def read_case(conn: Connection, index: int) -> None:
            cases = self._cases["reply"]
            await conn.graphql(self._buyer, CASE, {"id": cases[index % len(cases)]["id"]})

        async def read_cases(conn: Connection, _: int) -> None:
            await conn.graphql(self._buyer, CASES, {})

        async def reply(conn: Connection, index: int) -> None:
            case = self._cases["reply"][index]
            command = {"caseId": case["id"], "body": "Looking into it.", "state": "PENDING_CUSTOMER"}
            await conn.graphql(self._agent, REPLY, {"i": {**command, "idempotencyKey": uuid.uuid4().hex}})

        async def change(conn: Connection, index: int) -> None:
            case = self._cases["change"][index]
            command = {"caseId": case["id"], "priority": "high", "note": "payout missing", "expectedVersion": 1}
            await conn.graphql(self._agent, CHANGE, {"i": {**command, "idempotencyKey": uuid.uuid4().hex}})

        async def redact(conn: Connection, index: int) -> None:
            case = self._cases["redact"][index]
            command = {"caseId": case["id"], "field": "description", "reason": "phone number"}
            await conn.graphql(self._agent, REDACT, {"i": {**command, "idempotencyKey": uuid.uuid4().hex}})

        async def resolve(conn: Connection, index: int) -> None:
            case = self._cases["resolve"][index]
            command = {
                "caseId": case["id"],
                "resolution": {"refundCents": 0, "note": "The payout is on its way."},
                "expectedVersion": 1,
            }
            await conn.graphql(self._agent, RESOLVE, {"i": {**command, "idempotencyKey": uuid.uuid4().hex}})

        async def reject(conn: Connection, index: int) -> None:
            case = self._cases["dmca"][index]
            command = {
                "caseId": case["id"],
                "action": "REJECT",
                "payload": {"reason": "The notice names no work of the claimant."},
                "expectedVersion": 1,
            }
            await conn.graphql(self._agent, DMCA, {"i": {**command, "idempotencyKey": uuid.uuid4().hex}})

        async def strikes(conn: Connection, _: int) -> None:
            await conn.graphql(self._agent, STRIKES, {"u": "u_provider_1"})

        return dict(
            zip(
                SUPPORT_OPERATIONS,
                (search, deflect, open_case, read_case, read_cases, reply, change, redact, resolve, reject, strikes),
                strict=True,
            )
        )
