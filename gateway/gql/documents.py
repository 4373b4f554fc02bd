"""A bounded cache of parsed GraphQL documents and their validation, keyed by the query text.

Clients send the same few operations over and over; parsing and validating each afresh was the
largest share of the gateway's CPU. The parsed document is reused for the same text, and its
validation errors (which depend on the schema and the document only, never on the variables) are
kept beside it. What depends on the variables, the document limits, is still checked per request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, TypeInfo, validate


@dataclass
class _Entry:
    document: DocumentNode
    errors: list[GraphQLError] | None = None


@dataclass
class DocumentCache:
    """The last ``size`` documents used, with their validation."""

    size: int = 512
    _entries: OrderedDict[str, _Entry] = field(default_factory=OrderedDict)
    _by_document: dict[int, _Entry] = field(default_factory=dict)

    def parse(self, query: str, parse: Callable[[str], DocumentNode]) -> DocumentNode:
        """The document of ``query``, parsed once while it stays in the cache."""
        entry = self._entries.get(query)
        if entry is not None:
            self._entries.move_to_end(query)
            return entry.document
        document = parse(query)
        entry = _Entry(document)
        self._entries[query] = entry
        self._by_document[id(document)] = entry
        if len(self._entries) > self.size:
            _, evicted = self._entries.popitem(last=False)
            self._by_document.pop(id(evicted.document), None)
        return document

    def validate(
        self,
        schema: GraphQLSchema,
        document_ast: DocumentNode,
        rules: Collection[type[ASTValidationRule]] | None = None,
        max_errors: int | None = None,
        type_info: TypeInfo | None = None,
    ) -> list[GraphQLError]:
        """The validation errors of a cached document, computed once (Ariadne's query_validator)."""
        entry = self._by_document.get(id(document_ast))
        if entry is None or entry.document is not document_ast:
            return validate(schema, document_ast, rules, max_errors)
        if entry.errors is None:
            entry.errors = validate(schema, document_ast, rules, max_errors)
        return entry.errors
