"""Parsed and validated GraphQL documents are reused for the same text, and the cache stays bounded."""

from __future__ import annotations

from graphql import parse

from gateway.gql.documents import DocumentCache
from gateway.gql.schema import build_schema

SCHEMA = build_schema()


def test_the_same_text_is_parsed_and_validated_once() -> None:
    cache = DocumentCache(size=2)
    parsed: list[str] = []

    def counting_parse(text: str):  # type: ignore[no-untyped-def]
        parsed.append(text)
        return parse(text)

    good = "{ orders(first: 5) { edges { node { id } } } }"
    bad = "{ orders(first: 5) { nonsense } }"
    first = cache.parse(good, counting_parse)
    assert cache.parse(good, counting_parse) is first
    assert parsed == [good]
    assert cache.validate(SCHEMA, first) == [] and cache.validate(SCHEMA, first) is cache.validate(SCHEMA, first)

    wrong = cache.parse(bad, counting_parse)
    errors = cache.validate(SCHEMA, wrong)
    assert errors and "nonsense" in errors[0].message
    assert cache.validate(SCHEMA, wrong) is errors

    cache.parse("{ notificationPreferences { timezone } }", counting_parse)  # evicts the oldest
    assert cache.parse(good, counting_parse) is not first
    assert parsed.count(good) == 2


def test_a_document_the_cache_did_not_parse_is_validated_as_it_is() -> None:
    cache = DocumentCache()
    stranger = parse("{ orders(first: 5) { nonsense } }")
    assert cache.validate(SCHEMA, stranger)
