"""Receipts as PDF documents (reportlab): what was paid or given back, for which booking, to the cent."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from services.payments.usecases.ports import ReceiptToRender

TITLES = {"booking": "Receipt", "refund": "Refund receipt", "extras": "Extras receipt", "expenses": "Expenses receipt"}
LEFT, RIGHT, TOP = 56.0, A4[0] - 56.0, A4[1] - 72.0
LINE = 18.0


# The receipts that itemize what was paid, and the name of their first line.
BREAKDOWNS = {"booking": "Booking", "extras": "Extras", "expenses": "Expenses"}


def _amount(cents: int, currency: str) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100:,}.{abs(cents) % 100:02d} {currency}"


def render_receipt(found: ReceiptToRender) -> bytes:
    """The receipt's PDF: who, what booking, the amounts, when."""
    receipt = found.receipt
    title = TITLES.get(receipt.kind, "Receipt")
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=A4, invariant=True)
    pdf.setTitle(f"Callsheet {title.lower()} {receipt.receipt_id}")
    pdf.setAuthor("Callsheet")
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(LEFT, TOP, f"Callsheet - {title}")
    y = TOP - 2 * LINE
    pdf.setFont("Helvetica", 11)
    for label, value in (
        ("Receipt", receipt.receipt_id),
        ("Issued", receipt.created_at.strftime("%Y-%m-%d %H:%M UTC")),
        ("Order", found.order_id),
        ("Booked", f"{found.role_code} ({found.provider_id})"),
        ("Billed to", found.buyer_id),
    ):
        pdf.drawString(LEFT, y, label)
        pdf.drawString(LEFT + 110, y, value)
        y -= LINE
    y -= LINE / 2
    if receipt.kind in BREAKDOWNS:
        for label, cents in (
            (BREAKDOWNS[receipt.kind], found.subtotal_cents),
            ("Platform fee", found.platform_fee_cents),
            (f"Tax ({found.tax_jurisdiction or 'none'})", found.tax_cents),
        ):
            pdf.drawString(LEFT, y, label)
            pdf.drawRightString(RIGHT, y, _amount(cents, receipt.currency))
            y -= LINE
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(LEFT, y, "Refunded" if receipt.kind == "refund" else "Total paid")
    pdf.drawRightString(RIGHT, y, _amount(receipt.total_cents, receipt.currency))
    pdf.showPage()
    pdf.save()
    return out.getvalue()
