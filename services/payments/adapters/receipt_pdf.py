"""Receipts as PDF documents (fpdf2): what was paid or given back, for which booking, to the cent."""

from __future__ import annotations

from fpdf import FPDF

from services.payments.usecases.ports import ReceiptToRender

TITLES = {"booking": "Receipt", "refund": "Refund receipt"}


def _amount(cents: int, currency: str) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100:,}.{abs(cents) % 100:02d} {currency}"


def render_receipt(found: ReceiptToRender) -> bytes:
    """The receipt's PDF: who, what booking, the amounts, when."""
    receipt = found.receipt
    pdf = FPDF(format="A4")
    pdf.set_title(f"Callsheet {TITLES.get(receipt.kind, 'Receipt').lower()} {receipt.receipt_id}")
    pdf.set_creator("Callsheet")
    pdf.set_creation_date(receipt.created_at)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 18)
    pdf.cell(0, 12, f"Callsheet - {TITLES.get(receipt.kind, 'Receipt')}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    for label, value in (
        ("Receipt", receipt.receipt_id),
        ("Issued", receipt.created_at.strftime("%Y-%m-%d %H:%M UTC")),
        ("Order", found.order_id),
        ("Booked", f"{found.role_code} ({found.provider_id})"),
        ("Billed to", found.buyer_id),
    ):
        pdf.cell(40, 8, label)
        pdf.cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    lines: list[tuple[str, int]] = []
    if receipt.kind == "booking":
        lines = [
            ("Booking", found.subtotal_cents),
            ("Platform fee", found.platform_fee_cents),
            (f"Tax ({found.tax_jurisdiction or 'none'})", found.tax_cents),
        ]
    total_label = "Refunded" if receipt.kind == "refund" else "Total paid"
    pdf.set_font("helvetica", "", 11)
    for label, cents in lines:
        pdf.cell(120, 8, label)
        pdf.cell(0, 8, _amount(cents, receipt.currency), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(120, 10, total_label)
    pdf.cell(0, 10, _amount(receipt.total_cents, receipt.currency), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
