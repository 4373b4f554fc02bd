"""The support centre end to end through the gateway, on the real services and the Stripe simulator:
the plan's 3631 (a booking dispute with its evidence pack, resolved with a partial refund) and 3634
(only participants reach an order and its cases; a redaction leaves an audit trail), a chargeback
from ``pm_card_createDispute``, SLA clocks that breach on the service clock and pause while a case
waits on the customer, and a DMCA notice taken down, countered and restored."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from saga_tools import BUYER, PROVIDER, advance_clock, key, wait_for
from system_client import GraphQLError, System
from test_cancellation_money import service_now
from test_card_scenarios import in_progress
from test_cards import STRANGER, create, media, respond
from test_ledger import PAYABLE, ledger
from test_money_flows import confirmed, money_of, subtypes

from services.support.domain.dmca import business_days_after

AGENT = "u_agent_1"
AGENT_ROLES = ["support_agent"]
RESERVE = f"provider_reserve:{PROVIDER}"
CASE_FIELDS = """id type state version priority orderId openedBy assigneeId subject firstResponseDueAt
  resolutionDueAt slaBreached evidencePackUrl payload resolution
  events { id kind actorUserId payload createdAt }"""
CASE = f"query($id: ID!) {{ supportCase(id: $id) {{ {CASE_FIELDS} }} }}"
CASES = """query($t: [CaseType!]) { supportCases(first: 50, types: $t) { edges { node { id orderId type state } } } }"""
OPEN = f"mutation($i: OpenSupportCaseInput!) {{ openSupportCase(input: $i) {{ {CASE_FIELDS} }} }}"
RESOLVE = f"mutation($i: ResolveSupportCaseInput!) {{ resolveSupportCase(input: $i) {{ {CASE_FIELDS} }} }}"
REPLY = f"mutation($i: ReplyToSupportCaseInput!) {{ replyToSupportCase(input: $i) {{ {CASE_FIELDS} }} }}"
CHANGE = f"mutation($i: ChangeSupportCaseInput!) {{ changeSupportCase(input: $i) {{ {CASE_FIELDS} }} }}"
REDACT = f"mutation($i: RedactSupportCaseInput!) {{ redactSupportCase(input: $i) {{ {CASE_FIELDS} }} }}"
DMCA = f"mutation($i: ActOnDmcaCaseInput!) {{ actOnDmcaCase(input: $i) {{ {CASE_FIELDS} }} }}"
REGISTER_DEVICE = "mutation($i: RegisterPushDeviceInput!) { registerPushDevice(input: $i) { devices } }"
STRIKES = "query($u: ID!) { userStrikes(userId: $u) { active strikes { caseId kind withdrawnAt } } }"
ORDER = """query($id: ID!) { order(id: $id) { id state
  cards { id type state } deliverables { id }
  payment { refunded { amountCents } reserveFrozen payout { status amount { amountCents } dueAt } }
  timeline(first: 100) { edges { node { kind subtype actorUserId payload } } } } }"""


def agent(system: System, query: str, variables: dict[str, Any] | None = None) -> Any:
    """Runs an operation as the dev support agent."""
    return system.gql(AGENT, query, variables, roles=AGENT_ROLES)


def as_user(system: System, user: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """Runs an operation as ``user``, with the agent's role when the user is the agent."""
    return system.gql(user, query, variables, roles=AGENT_ROLES if user == AGENT else None)


def case_of(system: System, case_id: str, user: str = AGENT) -> dict[str, Any] | None:
    found: dict[str, Any] | None = as_user(system, user, CASE, {"id": case_id})["supportCase"]
    return found


def case_until(
    system: System, case_id: str, done: Any, what: str, user: str = AGENT, timeout: float = 30
) -> dict[str, Any]:
    found = wait_for(
        lambda: case_of(system, case_id, user), lambda c: c is not None and done(c), what=what, timeout=timeout
    )
    assert found is not None
    return found


def seen_by(system: System, case_id: str, user: str) -> dict[str, Any]:
    """The case as ``user`` sees it, who must see it."""
    found = case_of(system, case_id, user)
    assert found is not None, f"{user} does not see {case_id}"
    return found


def case_about(system: System, order_id: str, case_type: str) -> dict[str, Any]:
    """The case of ``case_type`` that opened by itself about an order, once it has its evidence pack."""

    def find() -> str | None:
        edges = agent(system, CASES, {"t": [case_type]})["supportCases"]["edges"]
        return next((edge["node"]["id"] for edge in edges if edge["node"]["orderId"] == order_id), None)

    case_id = wait_for(find, lambda found: found is not None, what=f"the {case_type} case")
    assert case_id is not None
    return case_until(system, case_id, lambda c: c["evidencePackUrl"], "the evidence pack")


def open_case(system: System, user: str, case_type: str, payload: Any, order_id: str | None = None) -> dict[str, Any]:
    variables = {
        "i": {
            "type": case_type,
            "orderId": order_id,
            "subject": f"{case_type.lower()} case",
            "description": "Please help.",
            "payload": payload,
            "idempotencyKey": key(),
        }
    }
    opened: dict[str, Any] = system.gql(user, OPEN, variables)["openSupportCase"]
    return opened


def kinds(case: dict[str, Any]) -> list[str]:
    return [event["kind"] for event in case["events"]]


def order_of(system: System, order_id: str, user: str = BUYER) -> dict[str, Any] | None:
    found: dict[str, Any] | None = system.gql(user, ORDER, {"id": order_id})["order"]
    return found


def opened_pack(url: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The evidence pack behind its signed link: its manifest, once every file's SHA-256 and size
    was found to be the manifest's, and its files."""
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    listed = {item["path"]: item for item in manifest["files"]}
    assert set(listed) == set(files)
    for path, content in files.items():
        assert hashlib.sha256(content).hexdigest() == listed[path]["sha256"], path
        assert len(content) == listed[path]["bytes"], path
    return manifest, files


def test_3631_a_dispute_card_opens_a_case_with_its_evidence_pack_and_a_partial_refund_resolves_it(
    system: System,
) -> None:
    order_id = in_progress(system)
    dispute = create(
        system,
        BUYER,
        order_id,
        "DISPUTE",
        {"reason": "quality", "description": "blurry", "requestedRefundCents": 10_000},
    )
    case = case_about(system, order_id, "BOOKING_DISPUTE")
    assert (case["openedBy"], case["priority"], case["payload"]) == (BUYER, "high", {"cardId": dispute["id"]})
    # Both participants take part in the dispute's case; a stranger learns nothing of it.
    assert case_of(system, case["id"], PROVIDER) is not None
    assert case_of(system, case["id"], STRANGER) is None

    manifest, files = opened_pack(case["evidencePackUrl"])
    assert manifest["caseId"] == case["id"] and manifest["orderId"] == order_id
    for path in ("order/timeline.json", "order/policy_snapshot.json", "cards/cards.json", "payments/ledger.json"):
        assert path in files, path
    timeline = json.loads(files["order/timeline.json"])
    assert "order.disputed" in json.dumps(timeline)
    assert dispute["id"] in files["cards/cards.json"].decode()
    [pack_entry] = [event for event in case["events"] if event["kind"] == "evidence_pack"]
    assert pack_entry["payload"]["sha256"] == hashlib.sha256(httpx.get(case["evidencePackUrl"]).content).hexdigest()

    before = ledger(system, order_id)["posted"]
    with pytest.raises(GraphQLError) as refused:
        resolution = {"refundCents": 10_000, "note": "part of the shoot was unusable"}
        system.gql(
            BUYER,
            RESOLVE,
            {
                "i": {
                    "caseId": case["id"],
                    "resolution": resolution,
                    "expectedVersion": case["version"],
                    "idempotencyKey": key(),
                }
            },
        )
    assert refused.value.code == "PERMISSION_DENIED"
    resolved = agent(
        system,
        RESOLVE,
        {
            "i": {
                "caseId": case["id"],
                "resolution": {"refundCents": 10_000, "note": "part of the shoot was unusable"},
                "expectedVersion": case["version"],
                "idempotencyKey": key(),
            }
        },
    )["resolveSupportCase"]
    assert resolved["state"] == "RESOLVED" and resolved["resolution"]["refundCents"] == 10_000

    order = wait_for(
        lambda: order_of(system, order_id),
        lambda o: (
            o is not None
            and o["state"] == "COMPLETED"
            and not o["payment"]["reserveFrozen"]
            and (o["payment"]["payout"] or {}).get("status") == "SCHEDULED"
            and any(c["id"] == dispute["id"] and c["state"] == "CLOSED" for c in o["cards"])
            and "support.case.resolved" in [e["node"]["subtype"] for e in o["timeline"]["edges"]]
            and "refund.issued" in [e["node"]["subtype"] for e in o["timeline"]["edges"]]
        ),
        what="the resolution applied (refund, order completed, payout released, card closed) and on the timeline",
    )
    assert order is not None and order["payment"]["refunded"]["amountCents"] == 10_000
    applied = case_until(system, case["id"], lambda c: "resolution_applied" in kinds(c), "the resolution's effects")
    assert applied["events"][-1]["payload"]["steps"] == ["refund", "resolve-order", "close-card"]

    # The ledger and the payout agree: the provider is owed what was frozen less their share of
    # the refund, all of it payable again, and the books balance.
    after = ledger(system, order_id)["posted"]
    assert before[PAYABLE] == 0 and after.get(RESERVE, 0) == 0
    share = -before[RESERVE] - -after[PAYABLE]
    assert 0 < share < 10_000
    assert sum(after.values()) == 0
    done = [edge["node"]["subtype"] for edge in order["timeline"]["edges"]]
    for subtype in (
        "order.disputed",
        "support.case.opened",
        "refund.issued",
        "order.completed",
        "support.case.resolved",
    ):
        assert subtype in done, subtype
    [completed] = [e["node"] for e in order["timeline"]["edges"] if e["node"]["subtype"] == "order.completed"]
    assert completed["payload"].get("disputeResolved") is True
    advance_clock(system, 3 * 24 * 3600)
    paid = wait_for(
        lambda: order_of(system, order_id),
        lambda o: o is not None and (o["payment"]["payout"] or {}).get("status") in ("PAID", "IN_TRANSIT"),
        what="the payout paid",
    )
    assert paid is not None and paid["payment"]["payout"]["amount"]["amountCents"] == -after[PAYABLE]


def test_a_chargeback_opens_its_case_due_by_the_network_deadline_and_evidence_wins_it(system: System) -> None:
    order_id = confirmed(system, "pm_card_createDispute")
    chargeback = wait_for(lambda: money_of(system, order_id)["payment"]["chargebacks"], bool, what="the chargeback")[0]
    case = case_about(system, order_id, "CHARGEBACK")
    assert (case["openedBy"], case["priority"], case["payload"]) == (
        "system",
        "urgent",
        {"disputeId": chargeback["id"]},
    )
    assert case["resolutionDueAt"] == chargeback["dueBy"]
    assert case_of(system, case["id"], PROVIDER) is not None  # the provider's payout is at stake
    opened_pack(case["evidencePackUrl"])
    staged = wait_for(
        lambda: money_of(system, order_id)["payment"]["chargebacks"][0], lambda c: c is not None, what="staged"
    )
    assert not staged["evidenceSubmitted"]

    with pytest.raises(GraphQLError) as refund:
        agent(
            system,
            RESOLVE,
            {
                "i": {
                    "caseId": case["id"],
                    "resolution": {"refundCents": 100, "note": "x"},
                    "expectedVersion": case["version"],
                    "idempotencyKey": key(),
                }
            },
        )
    assert [v["field"] for v in refund.value.extensions["violations"]] == ["input.resolution.refundCents"]
    agent(
        system,
        RESOLVE,
        {
            "i": {
                "caseId": case["id"],
                "resolution": {
                    "refundCents": 0,
                    "note": "evidence submitted",
                    "evidence": {"uncategorized_text": "winning_evidence: the shoot took place, photos delivered"},
                },
                "expectedVersion": case["version"],
                "idempotencyKey": key(),
            }
        },
    )
    won = wait_for(
        lambda: money_of(system, order_id)["payment"]["chargebacks"][0],
        lambda c: c["status"] == "WON" and c["evidenceSubmitted"],
        what="the chargeback won",
    )
    assert won["evidenceSubmitted"]
    closed = case_until(system, case["id"], lambda c: c["state"] == "CLOSED", "the case closed by the decision")
    assert "decided the chargeback for the platform" in closed["events"][-1]["payload"]["reason"]


def test_an_sla_breach_on_the_service_clock_escalates_the_case_and_tells_the_agent(system: System) -> None:
    case = open_case(system, BUYER, "GENERAL", {"topic": "account"})
    assert case["state"] == "NEW" and not case["slaBreached"]
    due = datetime.fromisoformat(case["firstResponseDueAt"].replace("Z", "+00:00"))
    advance_clock(system, int((due - service_now(system)).total_seconds()) + 60)
    escalated = case_until(system, case["id"], lambda c: c["state"] == "ESCALATED", "the escalation")
    assert escalated["slaBreached"] and "escalated" in kinds(escalated)
    assert escalated["events"][-1]["payload"]["reason"] == "first response overdue"
    feed = "query { notifications(first: 50) { edges { node { eventType title } } } }"
    wait_for(
        lambda: [e["node"]["eventType"] for e in agent(system, feed)["notifications"]["edges"]],
        lambda types: "support.case.escalated" in types,
        what="the agent told of the escalation",
    )


def test_a_case_waiting_on_the_customer_longer_than_its_target_does_not_breach(system: System) -> None:
    case = open_case(system, BUYER, "GENERAL", {"topic": "payouts"})
    waiting = agent(
        system,
        CHANGE,
        {
            "i": {
                "caseId": case["id"],
                "state": "PENDING_CUSTOMER",
                "note": "need a screenshot",
                "expectedVersion": case["version"],
                "idempotencyKey": key(),
            }
        },
    )["changeSupportCase"]
    assert waiting["firstResponseDueAt"] is None and waiting["resolutionDueAt"] is None
    advance_clock(system, 30 * 3600)  # longer than the 24 h first-response target
    back = system.gql(BUYER, REPLY, {"i": {"caseId": case["id"], "body": "here it is", "idempotencyKey": key()}})[
        "replyToSupportCase"
    ]
    assert back["state"] == "OPEN" and not back["slaBreached"]
    due = datetime.fromisoformat(back["firstResponseDueAt"].replace("Z", "+00:00"))
    assert due - service_now(system) > timedelta(hours=23)
    assert seen_by(system, case["id"], AGENT)["state"] == "OPEN"


def deliverable(system: System) -> tuple[str, str]:
    """A completed booking's order and its one deliverable, uploaded by the provider."""
    order_id = in_progress(system)
    photo = media(system, order_id, name="hero-shot.jpg")
    proofs = create(system, PROVIDER, order_id, "PROOFS", {"media": [{"mediaId": photo, "nsfw": False}]})
    respond(system, BUYER, proofs, "APPROVE", {"mediaIds": [photo], "final": True})
    wait_for(
        lambda: order_of(system, order_id),
        lambda o: o is not None and [m["id"] for m in o["deliverables"]] == [photo],
        what="the deliverable",
    )
    return order_id, photo


def dmca_notice(media_id: str) -> dict[str, Any]:
    return {
        "signature": "Dana Claimant",
        "copyrightedWork": "My photograph 'Harbour at dawn', published 2025",
        "infringingMediaIds": [media_id],
        "contact": {"name": "Dana Claimant", "email": "dana@example.test", "address": "1 Quay St"},
        "goodFaith": True,
        "accurateUnderPenaltyOfPerjury": True,
    }


COUNTER = {
    "signature": "Pat Provider",
    "statementUnderPenaltyOfPerjury": True,
    "name": "Pat Provider",
    "address": "2 Studio Rd",
    "phone": "+1 555 0100",
    "consentToJurisdiction": True,
}


def act(system: System, user: str, case: dict[str, Any], action: str, payload: Any = None) -> dict[str, Any]:
    variables = {
        "i": {
            "caseId": case["id"],
            "action": action,
            "payload": payload,
            "expectedVersion": case["version"],
            "idempotencyKey": key(),
        }
    }
    done: dict[str, Any] = as_user(system, user, DMCA, variables)["actOnDmcaCase"]
    return done


def test_a_dmca_notice_takes_the_media_down_a_counter_notice_brings_it_back_after_ten_business_days(
    system: System,
) -> None:
    order_id, photo = deliverable(system)
    with pytest.raises(GraphQLError) as bad:
        open_case(system, STRANGER, "DMCA", {**dmca_notice(photo), "goodFaith": False, "signature": ""})
    assert {v["field"] for v in bad.value.extensions["violations"]} >= {
        "input.payload.goodFaith",
        "input.payload.signature",
    }
    notice = open_case(system, STRANGER, "DMCA", dmca_notice(photo))
    with pytest.raises(GraphQLError) as not_yet:
        act(system, PROVIDER, notice, "COUNTER_NOTICE", {**COUNTER, "mediaIds": [photo]})
    assert not_yet.value.code in ("NOT_FOUND", "PERMISSION_DENIED")
    taken = act(system, AGENT, notice, "ACCEPT")
    assert "dmca_takedown" in kinds(taken)
    hidden = order_of(system, order_id)
    assert hidden is not None and hidden["deliverables"] == []
    strikes = agent(system, STRIKES, {"u": PROVIDER})["userStrikes"]
    assert notice["id"] in [s["caseId"] for s in strikes["strikes"] if s["withdrawnAt"] is None]

    # The uploader now takes part in the case and files the counter-notice.
    countered = act(
        system, PROVIDER, seen_by(system, notice["id"], PROVIDER), "COUNTER_NOTICE", {**COUNTER, "mediaIds": [photo]}
    )
    entry = countered["events"][-1]
    assert entry["kind"] == "dmca_counter_notice"
    restore_at = datetime.fromisoformat(entry["payload"]["restoreAt"])
    restore_by = datetime.fromisoformat(entry["payload"]["restoreBy"])
    countered_at = datetime.fromisoformat(entry["createdAt"].replace("Z", "+00:00"))
    # The 10th and the 14th business day after the counter-notice, Monday to Friday in New York.
    assert (restore_at, restore_by) == (business_days_after(countered_at, 10), business_days_after(countered_at, 14))
    assert timedelta(days=10) < restore_at - countered_at < timedelta(days=17)
    advance_clock(system, int((restore_at - service_now(system)).total_seconds()) + 120)
    case_until(system, notice["id"], lambda c: "dmca_restored" in kinds(c), "the restore", timeout=45)
    back = order_of(system, order_id)
    assert back is not None and [m["id"] for m in back["deliverables"]] == [photo]
    after = agent(system, STRIKES, {"u": PROVIDER})["userStrikes"]
    assert all(s["withdrawnAt"] is not None for s in after["strikes"] if s["caseId"] == notice["id"])


def test_a_reported_court_action_keeps_the_media_down(system: System) -> None:
    order_id, photo = deliverable(system)
    notice = act(system, AGENT, open_case(system, STRANGER, "DMCA", dmca_notice(photo)), "ACCEPT")
    countered = act(
        system, PROVIDER, seen_by(system, notice["id"], PROVIDER), "COUNTER_NOTICE", {**COUNTER, "mediaIds": [photo]}
    )
    suit = act(system, STRANGER, countered, "REPORT_SUIT", {"court": "S.D.N.Y.", "caseNumber": "1:26-cv-0001"})
    assert "dmca_suit_reported" in kinds(suit)
    advance_clock(system, 20 * 24 * 3600)
    still = order_of(system, order_id)
    assert still is not None and still["deliverables"] == []
    assert "dmca_restored" not in kinds(seen_by(system, notice["id"], AGENT))


def test_3634_only_participants_reach_an_order_and_its_cases_and_a_redaction_leaves_an_audit_trail(
    system: System,
) -> None:
    order_id = in_progress(system)
    upload = "mutation($i: CreateMediaUploadInput!) { createMediaUpload(input: $i) { mediaId } }"
    nsfw = system.gql(
        BUYER, upload, {"i": {"orderId": order_id, "filename": "bruise.jpg", "contentType": "image/jpeg", "nsfw": True}}
    )["createMediaUpload"]["mediaId"]
    with pytest.raises(GraphQLError) as upload_refused:
        system.gql(
            STRANGER,
            upload,
            {"i": {"orderId": order_id, "filename": "x.jpg", "contentType": "image/jpeg", "nsfw": False}},
        )
    assert upload_refused.value.code == "NOT_FOUND"
    device = f"device-{key()}"
    system.gql(PROVIDER, REGISTER_DEVICE, {"i": {"token": device, "platform": "android"}})
    try:
        dispute = create(
            system,
            BUYER,
            order_id,
            "DISPUTE",
            {"reason": "safety", "description": "unsafe location", "evidenceMediaIds": [nsfw]},
        )
        case = case_about(system, order_id, "BOOKING_DISPUTE")
        # The provider's phone hears of the dispute, and nothing it gets names the NSFW evidence.
        pushes = wait_for(
            lambda: httpx.get(f"{system.stack.push_url}/messages", params={"token": device}, trust_env=False).json(),
            lambda found: any(p["data"].get("orderId") == order_id for p in found),
            what="the dispute's push",
        )
        assert nsfw not in json.dumps(pushes)
    finally:
        system.gql(PROVIDER, "mutation($t: String!) { unregisterPushDevice(token: $t) { devices } }", {"t": device})
    # A stranger reaches neither the order, its cards, nor its case, and does not see it listed.
    with pytest.raises(GraphQLError) as hidden:
        order_of(system, order_id, STRANGER)
    assert hidden.value.code == "NOT_FOUND"
    assert system.gql(STRANGER, "query($id: ID!) { card(id: $id) { id } }", {"id": dispute["id"]})["card"] is None
    assert case_of(system, case["id"], STRANGER) is None
    listed = system.gql(STRANGER, CASES, {"t": None})["supportCases"]["edges"]
    assert case["id"] not in [edge["node"]["id"] for edge in listed]
    with pytest.raises(GraphQLError) as reply:
        system.gql(STRANGER, REPLY, {"i": {"caseId": case["id"], "body": "hi", "idempotencyKey": key()}})
    assert reply.value.code == "NOT_FOUND"

    said = system.gql(
        BUYER, REPLY, {"i": {"caseId": case["id"], "body": "call me on +1 555 0199", "idempotencyKey": key()}}
    )["replyToSupportCase"]
    message = [event for event in said["events"] if event["kind"] == "message"][-1]
    redacted = agent(
        system,
        REDACT,
        {
            "i": {
                "caseId": case["id"],
                "eventId": message["id"],
                "reason": "personal phone number",
                "idempotencyKey": key(),
            }
        },
    )["redactSupportCase"]
    [gone] = [event for event in redacted["events"] if event["id"] == message["id"]]
    assert gone["payload"]["body"] == "[redacted]" and gone["actorUserId"] == BUYER
    audit = redacted["events"][-1]
    assert (audit["kind"], audit["actorUserId"], audit["payload"]) == (
        "redacted",
        AGENT,
        {"target": message["id"], "reason": "personal phone number"},
    )
    order = wait_for(
        lambda: order_of(system, order_id),
        lambda o: o is not None and "support.case.redacted" in [e["node"]["subtype"] for e in o["timeline"]["edges"]],
        what="the redaction on the order's timeline",
    )
    assert order is not None
    [entry] = [e["node"] for e in order["timeline"]["edges"] if e["node"]["subtype"] == "support.case.redacted"]
    assert entry["kind"] == "support" and entry["actorUserId"] == AGENT
    assert entry["payload"]["reason"] == "personal phone number" and "555" not in json.dumps(entry)
    # No email of the dispute or its case names the NSFW evidence, let alone links it.
    wait_for(
        lambda: (
            system.mails_about(f"{PROVIDER}@example.test", "", case["id"]) or system.mail_to(f"{PROVIDER}@example.test")
        ),
        bool,
        what="the provider's mail",
    )
    for user in (BUYER, PROVIDER):
        for mail in system.mail_to(f"{user}@example.test"):
            assert nsfw not in json.dumps(mail)
    assert subtypes(money_of(system, order_id))  # the buyer still reads their own order


def test_policy_violation_reports_are_triaged_and_resolved_by_removing_media_or_a_warning(system: System) -> None:
    order_id, photo = deliverable(system)
    report = open_case(
        system,
        STRANGER,
        "POLICY_VIOLATION",
        {"target": {"kind": "media", "id": photo}, "category": "explicit_content", "details": "not a portfolio shot"},
    )
    assert case_of(system, report["id"], PROVIDER) is None  # the reported side does not see the report
    triaged = agent(
        system,
        CHANGE,
        {
            "i": {
                "caseId": report["id"],
                "priority": "urgent",
                "note": "explicit",
                "expectedVersion": report["version"],
                "idempotencyKey": key(),
            }
        },
    )["changeSupportCase"]
    assert triaged["priority"] == "urgent" and "priority_changed" in kinds(triaged)
    agent(
        system,
        RESOLVE,
        {
            "i": {
                "caseId": report["id"],
                "resolution": {"refundCents": 0, "note": "removed", "action": "remove_media"},
                "expectedVersion": triaged["version"],
                "idempotencyKey": key(),
            }
        },
    )
    applied = case_until(system, report["id"], lambda c: "resolution_applied" in kinds(c), "the media removed")
    assert applied["events"][-1]["payload"]["uploaders"] == [PROVIDER]
    gone = order_of(system, order_id)
    assert gone is not None and gone["deliverables"] == []
    strikes = agent(system, STRIKES, {"u": PROVIDER})["userStrikes"]["strikes"]
    assert {"caseId": report["id"], "kind": "POLICY_VIOLATION", "withdrawnAt": None} in strikes

    harassment = open_case(
        system, BUYER, "POLICY_VIOLATION", {"target": {"kind": "user", "id": "u_provider_2"}, "category": "harassment"}
    )
    with pytest.raises(GraphQLError) as wrong:
        agent(
            system,
            RESOLVE,
            {
                "i": {
                    "caseId": harassment["id"],
                    "resolution": {"refundCents": 0, "note": "x", "action": "remove_media"},
                    "expectedVersion": harassment["version"],
                    "idempotencyKey": key(),
                }
            },
        )
    assert [v["field"] for v in wrong.value.extensions["violations"]] == ["input.resolution.action"]
    agent(
        system,
        RESOLVE,
        {
            "i": {
                "caseId": harassment["id"],
                "resolution": {"refundCents": 0, "note": "warned", "action": "warning"},
                "expectedVersion": harassment["version"],
                "idempotencyKey": key(),
            }
        },
    )
    case_until(system, harassment["id"], lambda c: "resolution_applied" in kinds(c), "the warning")
    warned = agent(system, STRIKES, {"u": "u_provider_2"})["userStrikes"]
    assert harassment["id"] in [s["caseId"] for s in warned["strikes"]] and warned["active"] >= 1
