"""Every receipt gets its PDF, made right after the receipt is issued and kept in the object store.

The document is rendered and stored outside any transaction (the store may be S3, across the
network), then its key is noted. A crash in between leaves the receipt without a key, and the
next pass makes it again: the same bytes under the same key, so nothing is duplicated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from callsheet_kit.storage import ObjectStore
from services.payments.usecases.ports import PaymentsUnitOfWork, ReceiptToRender

log = logging.getLogger(__name__)

BATCH = 20
PDF = "application/pdf"


def document_key(receipt_id: str) -> str:
    """Where a receipt's PDF is kept."""
    return f"receipts/{receipt_id}.pdf"


async def store_receipt_documents(
    uow: Callable[[], PaymentsUnitOfWork], store: ObjectStore, render: Callable[[ReceiptToRender], bytes]
) -> int:
    """Makes and stores the documents of receipts that have none yet; returns how many were made."""
    async with uow() as reading:
        waiting = await reading.receipts_to_render(limit=BATCH)
    made = 0
    for found in waiting:
        key = document_key(found.receipt.receipt_id)
        try:
            await store.put(key, render(found), content_type=PDF)
        except Exception:
            log.exception(
                "storing the document of receipt %s failed; the next pass tries again", found.receipt.receipt_id
            )
            continue
        async with uow() as noting:
            await noting.receipt_rendered(found.receipt.receipt_id, key)
            await noting.commit()
        made += 1
    return made
