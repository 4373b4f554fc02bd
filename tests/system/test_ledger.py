"""The ledger on real PostgreSQL, through the real flows: every movement posts its entry with it,
entries balance, the database refuses an unbalanced, edited or twice-resolved entry."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from saga_tools import BUYER, PROVIDER, checkout, key, quote, wait_for
from system_client import CANCEL, CONFIRM, QUOTE, GraphQLError, System, fresh_slot, quote_input

PAYABLE = f"provider_payable:{PROVIDER}"


def ledger(system: System, order_id: str) -> dict[str, Any]:
    """The order's entries (kind → pending?, resolves) and every account's posted and pending balance."""
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        entries = conn.execute(
            "SELECT kind, pending, resolves, (SELECT coalesce(sum(amount_cents), 0) FROM pay.ledger_posting p"
            " WHERE p.entry_id = e.entry_id) FROM pay.ledger_entry e WHERE order_id = %s ORDER BY created_at, kind",
            (order_id,),
        ).fetchall()
        posted = conn.execute(
            "SELECT account, sum(amount_cents) FROM pay.ledger_posting p JOIN pay.ledger_entry e USING (entry_id)"
            " WHERE e.order_id = %s AND NOT e.pending GROUP BY account",
            (order_id,),
        ).fetchall()
    return {
        "entries": [(kind, pending, resolves is not None) for kind, pending, resolves, _ in entries],
        "sums": [int(total) for *_, total in entries],
        "posted": {str(account): int(total) for account, total in posted},
    }


def book(system: System) -> dict[str, Any]:
    return checkout(system, quote(system)["id"], key())


def test_a_booking_holds_then_posts_its_total_split_between_provider_fee_and_tax(system: System) -> None:
    order = book(system)
    held = ledger(system, order["id"])
    assert held["entries"] == [("authorization", True, False)] and held["posted"] == {}
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    captured = wait_for(
        lambda: ledger(system, order["id"]),
        lambda found: len(found["entries"]) == 2,
        what="the capture's entry",
    )
    assert captured["entries"] == [("authorization", True, False), ("capture", False, True)]
    assert captured["posted"] == {
        "platform_cash": 35_930,
        PAYABLE: -30_000,
        "platform_fee_revenue": -3_000,
        "tax_payable": -2_930,
    }
    assert captured["sums"] == [0, 0]


def test_a_full_refund_gives_back_every_share_and_a_void_moves_nothing(system: System) -> None:
    confirmed = book(system)
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": confirmed["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    system.gql(BUYER, CANCEL, {"i": {"orderId": confirmed["id"], "expectedVersion": 2, "idempotencyKey": key()}})
    refunded = wait_for(
        lambda: ledger(system, confirmed["id"]),
        lambda found: [kind for kind, *_ in found["entries"]][-1:] == ["refund"],
        what="the refund's entry",
    )
    assert refunded["posted"] == {"platform_cash": 0, PAYABLE: 0, "platform_fee_revenue": 0, "tax_payable": 0}

    held = book(system)
    system.gql(BUYER, CANCEL, {"i": {"orderId": held["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    voided = wait_for(
        lambda: ledger(system, held["id"]),
        lambda found: len(found["entries"]) == 2,
        what="the void's entry",
    )
    assert voided["entries"] == [("authorization", True, False), ("void", False, True)]
    assert voided["posted"] == {} and voided["sums"] == [0, 0]


def _entry(conn: psycopg.Connection[Any], *, pending: bool = False, resolves: str | None = None) -> tuple[str, str]:
    entry_id, entry_key = f"len_test_{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    conn.execute(
        "INSERT INTO pay.ledger_entry (entry_id, key, kind, order_id, currency, pending, resolves, metadata, created_at)"
        " VALUES (%s, %s, 'capture', 'ord_test', 'USD', %s, %s, '{}', now())",
        (entry_id, entry_key, pending, resolves),
    )
    return entry_id, entry_key


def test_the_database_refuses_an_unbalanced_entry_at_commit(system: System) -> None:
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        entry_id, _ = _entry(conn)
        conn.execute(
            "INSERT INTO pay.ledger_posting (entry_id, account, amount_cents) VALUES (%s, 'platform_cash', 100),"
            " (%s, 'tax_payable', -99)",
            (entry_id, entry_id),
        )
        with pytest.raises(psycopg.errors.CheckViolation, match="does not balance"):
            conn.commit()


def test_the_database_refuses_to_change_or_remove_a_posting(system: System) -> None:
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        entry_id, _ = _entry(conn)
        conn.execute(
            "INSERT INTO pay.ledger_posting (entry_id, account, amount_cents) VALUES (%s, 'platform_cash', 100),"
            " (%s, 'tax_payable', -100)",
            (entry_id, entry_id),
        )
        conn.commit()
        for statement in (
            "UPDATE pay.ledger_posting SET amount_cents = 1 WHERE entry_id = %s",
            "DELETE FROM pay.ledger_posting WHERE entry_id = %s",
            "DELETE FROM pay.ledger_entry WHERE entry_id = %s",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(statement, (entry_id,))
            conn.rollback()


def test_a_pending_entry_is_resolved_at_most_once_and_only_a_pending_one(system: System) -> None:
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        _, pending = _entry(conn, pending=True)
        _, posted = _entry(conn)
        conn.commit()
        _entry(conn, resolves=pending)
        conn.commit()
        with pytest.raises(psycopg.errors.UniqueViolation):
            _entry(conn, resolves=pending)
        conn.rollback()
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="not a pending entry"):
            _entry(conn, resolves=posted)
        conn.rollback()


LEDGER = """query($id: ID!) { orderLedger(orderId: $id) { orderId
  entries { kind pending resolves postings { account amount { amountCents currency } } }
  balances { account posted { amountCents } pending { amountCents } } } }"""
BALANCE = "query($p: ID!) { providerBalance(providerId: $p) { account posted { amountCents currency } pending { amountCents } } }"


def test_an_admin_reads_an_orders_ledger_and_a_providers_balance_and_no_one_else_can(system: System) -> None:
    model, payable = "u_provider_2", "provider_payable:u_provider_2"

    def owed() -> tuple[int, int]:
        found = system.gql("u_admin", BALANCE, {"p": model}, roles=["admin"])["providerBalance"]
        assert all(balance["account"] == payable and balance["posted"]["currency"] == "USD" for balance in found)
        return (found[0]["posted"]["amountCents"], found[0]["pending"]["amountCents"]) if found else (0, 0)

    # Other tests book this provider too: what this booking moves is the difference.
    before = owed()
    start, end = fresh_slot()
    quoted = system.gql(BUYER, QUOTE, {"i": quote_input(start, end, provider=model, role="model")})["createQuote"]
    assert (quoted["subtotal"]["amountCents"], quoted["total"]["amountCents"]) == (40_000, 47_907)
    order = checkout(system, quoted["id"], key())
    read = system.gql("u_admin", LEDGER, {"id": order["id"]}, roles=["admin"])["orderLedger"]
    assert read["orderId"] == order["id"]
    [held] = read["entries"]
    assert (held["kind"], held["pending"], held["resolves"]) == ("authorization", True, None)
    assert sum(posting["amount"]["amountCents"] for posting in held["postings"]) == 0
    balances = {b["account"]: (b["posted"]["amountCents"], b["pending"]["amountCents"]) for b in read["balances"]}
    assert balances["platform_cash"] == (0, 47_907) and balances[payable] == (0, -40_000)
    assert owed() == (before[0], before[1] - 40_000)

    system.gql(model, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    wait_for(lambda: ledger(system, order["id"]), lambda found: len(found["entries"]) == 2, what="the capture")
    # The capture moved this order's 400.00 from pending to posted.
    assert owed() == (before[0] - 40_000, before[1])

    rest = system.rest(BUYER, "GET", f"/v1/admin/orders/{order['id']}/ledger")
    assert rest.status_code == 403 and rest.json()["error"]["code"] == "PERMISSION_DENIED"
    for user, roles in ((BUYER, []), (model, []), ("u_agent", ["support_agent"])):
        with pytest.raises(GraphQLError) as refused:
            system.gql(user, BALANCE, {"p": model}, roles=roles)
        assert refused.value.code == "PERMISSION_DENIED"


def test_a_payments_restart_between_authorization_and_capture_loses_nothing(system: System) -> None:
    order = book(system)
    payments = system.stack.processes["payments"]
    payments.stop()
    system.stack.start_service("payments")
    system.stack.wait_ready()
    # The simulator's intent survived in its own tables: the capture finds it, once.
    system.gql(PROVIDER, CONFIRM, {"i": {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": key()}})
    captured = wait_for(
        lambda: ledger(system, order["id"]),
        lambda found: [kind for kind, *_ in found["entries"]] == ["authorization", "capture"],
        what="the capture after the restart",
    )
    assert captured["posted"]["platform_cash"] == 35_930
    with psycopg.connect(system.stack.service_urls["payments"]) as conn:
        row = conn.execute(
            "SELECT i.status, i.received_cents FROM pay.stripe_sim_intent i"
            " JOIN pay.payment p ON p.provider_intent_id = i.intent_id WHERE p.order_id = %s",
            (order["id"],),
        ).fetchone()
    assert row == ("succeeded", 35_930)
