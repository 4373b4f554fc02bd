"""The six card types, one module each, and the table of them by type."""

from __future__ import annotations

from services.cards.domain.kinds.base import CardKind
from services.cards.domain.kinds.complete import COMPLETE
from services.cards.domain.kinds.dispute import DISPUTE
from services.cards.domain.kinds.expense import EXPENSE
from services.cards.domain.kinds.extras import EXTRAS
from services.cards.domain.kinds.proofs import PROOFS
from services.cards.domain.kinds.reschedule import RESCHEDULE
from services.cards.domain.model import CardType

KINDS: dict[CardType, CardKind] = {kind.type: kind for kind in (RESCHEDULE, EXTRAS, PROOFS, EXPENSE, COMPLETE, DISPUTE)}
