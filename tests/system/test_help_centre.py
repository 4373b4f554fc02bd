"""The help centre through the running system: full-text search ranks the right article first and
finds a word still being typed, every search is kept, "this solved it" counts once per search
(also when it is sent many times at once) and only for the caller's own search, support agents
read the counts, and the REST twins answer as GraphQL does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from system_client import GraphQLError, System, rpc, rpc_all_at_once

from callsheet.support.v1 import support_pb2, support_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode
from devstack.tokens import mint

BUYER = "u_buyer_1"
OTHER = "u_buyer_2"
AGENT = "u_agent_1"
AGENT_ROLES = ["support_agent"]

SEARCH = """query($q: String!, $order: ID) {
  helpArticles(query: $q, orderId: $order) { id title summary url searchId rank } }"""
DEFLECT = "mutation($s: ID!, $a: ID!) { recordHelpDeflection(searchId: $s, articleId: $a) }"
STATS = """query($since: DateTime, $until: DateTime) { helpCentreStats(since: $since, until: $until) {
  searches deflections casesOpened deflectionRate articles { articleId title suggested deflected } } }"""


def search(system: System, query: str, user: str = BUYER, order_id: str | None = None) -> list[dict[str, Any]]:
    """The articles suggested to ``user`` for ``query``, best first."""
    articles: list[dict[str, Any]] = system.gql(user, SEARCH, {"q": query, "order": order_id})["helpArticles"]
    return articles


def stats(system: System) -> dict[str, Any]:
    """The help centre's counts so far, as an agent reads them."""
    counts: dict[str, Any] = system.gql(AGENT, STATS, roles=AGENT_ROLES)["helpCentreStats"]
    return counts


def per_article(counts: dict[str, Any], article_id: str) -> dict[str, Any]:
    """One article's counts."""
    found: list[dict[str, Any]] = [article for article in counts["articles"] if article["articleId"] == article_id]
    assert len(found) == 1, found
    return found[0]


def rest_as(system: System, user: str, roles: list[str], method: str, path: str, **kwargs: Any) -> httpx.Response:
    """Calls a /v1 route as ``user`` with ``roles``."""
    token = mint(user, roles, secret=system.stack.jwt_secret)
    return system.http.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def test_a_cancellation_question_finds_the_cancellation_article_first(system: System) -> None:
    articles = search(system, "cancel my booking refund")
    assert articles[0]["id"] == "hlp_cancellations-and-refunds"
    assert articles[0]["url"] == "/help/cancellations-and-refunds"
    assert articles[0]["title"] and articles[0]["summary"]
    assert 1 <= len(articles) <= 5
    # One search suggested them all, best first.
    assert len({article["searchId"] for article in articles}) == 1
    ranks = [article["rank"] for article in articles]
    assert ranks == sorted(ranks, reverse=True)


def test_a_word_still_being_typed_finds_its_article(system: System) -> None:
    assert search(system, "resched")[0]["id"] == "hlp_rescheduling"
    assert search(system, "dmca counter")[0]["id"] == "hlp_dmca-counter-notices"


def test_a_deflection_counts_once_per_search_and_shows_in_the_stats(system: System) -> None:
    before = stats(system)
    articles = search(system, "when do I get paid", order_id="ord_help_centre")
    article_id, search_id = articles[0]["id"], articles[0]["searchId"]
    assert article_id == "hlp_payouts"

    assert system.gql(BUYER, DEFLECT, {"s": search_id, "a": article_id}) == {"recordHelpDeflection": True}
    assert system.gql(BUYER, DEFLECT, {"s": search_id, "a": article_id}) == {"recordHelpDeflection": False}
    # Another article of the same search does not make it a second deflection.
    assert system.gql(BUYER, DEFLECT, {"s": search_id, "a": articles[-1]["id"]}) == {"recordHelpDeflection": False}

    after = stats(system)
    assert after["searches"] == before["searches"] + 1
    assert after["deflections"] == before["deflections"] + 1
    assert after["deflectionRate"] == pytest.approx(after["deflections"] / after["searches"])
    assert 0 < after["deflectionRate"] <= 1
    payouts = per_article(after, "hlp_payouts")
    assert payouts["deflected"] == per_article(before, "hlp_payouts")["deflected"] + 1
    assert payouts["suggested"] >= payouts["deflected"]
    assert payouts["title"] == articles[0]["title"]
    # Most deflections first.
    deflected = [article["deflected"] for article in after["articles"]]
    assert deflected == sorted(deflected, reverse=True)


def test_many_deflections_of_one_search_at_once_record_one(system: System) -> None:
    answer = rpc(
        system,
        "support",
        support_pb2_grpc.SupportServiceStub,
        "SearchHelpArticles",
        support_pb2.SearchHelpArticlesRequest(query="chargeback evidence", limit=3),
        user=BUYER,
    )
    assert 1 <= len(answer.articles) <= 3
    request = support_pb2.RecordDeflectionRequest(search_id=answer.search_id, article_id=answer.articles[0].id)
    answers = rpc_all_at_once(
        system,
        "support",
        support_pb2_grpc.SupportServiceStub,
        "RecordDeflection",
        [request] * 8,
        caller="gateway",
        user=BUYER,
    )
    assert sorted(reply.recorded for reply in answers) == [False] * 7 + [True]


def test_only_the_searcher_records_a_deflection_and_only_for_a_suggested_article(system: System) -> None:
    [first, *_] = search(system, "quiet hours")
    with pytest.raises(GraphQLError) as stranger:
        system.gql(OTHER, DEFLECT, {"s": first["searchId"], "a": first["id"]})
    assert stranger.value.code == "NOT_FOUND"
    with pytest.raises(GraphQLError) as unknown:
        system.gql(BUYER, DEFLECT, {"s": "hsr_nothing", "a": first["id"]})
    assert unknown.value.code == "NOT_FOUND"
    with pytest.raises(GraphQLError) as unsuggested:
        system.gql(BUYER, DEFLECT, {"s": first["searchId"], "a": "hlp_not-suggested"})
    assert unsuggested.value.code == "INVALID_ARGUMENT"
    assert [v["field"] for v in unsuggested.value.extensions["violations"]] == ["articleId"]
    # The search is still open for its own user.
    assert system.gql(BUYER, DEFLECT, {"s": first["searchId"], "a": first["id"]}) == {"recordHelpDeflection": True}


def test_the_stats_are_for_support_agents_and_admins(system: System) -> None:
    with pytest.raises(GraphQLError) as buyer:
        system.gql(BUYER, STATS)
    assert buyer.value.code == "PERMISSION_DENIED"
    assert system.gql("u_admin", STATS, roles=["admin"])["helpCentreStats"]["searches"] >= 0
    with pytest.raises(GraphQLError) as backwards:
        system.gql(
            AGENT,
            STATS,
            {"since": "2030-01-02T00:00:00Z", "until": "2030-01-01T00:00:00Z"},
            roles=AGENT_ROLES,
        )
    assert backwards.value.code == "INVALID_ARGUMENT"
    long_ago = system.gql(
        AGENT, STATS, {"since": "2001-01-01T00:00:00Z", "until": "2001-01-02T00:00:00Z"}, roles=AGENT_ROLES
    )["helpCentreStats"]
    assert (long_ago["searches"], long_ago["deflections"], long_ago["deflectionRate"]) == (0, 0, 0)


def test_an_empty_or_overlong_query_is_refused_naming_it(system: System) -> None:
    for query in ("", "   ", "x" * 201):
        with pytest.raises(GraphQLError) as refused:
            search(system, query)
        assert refused.value.code == "INVALID_ARGUMENT"
        assert [v["field"] for v in refused.value.extensions["violations"]] == ["query"]
    with pytest.raises(DomainError) as direct:
        rpc(
            system,
            "support",
            support_pb2_grpc.SupportServiceStub,
            "SearchHelpArticles",
            support_pb2.SearchHelpArticlesRequest(query=""),
            user=BUYER,
        )
    assert direct.value.code is ErrorCode.INVALID_ARGUMENT
    assert [v.field for v in direct.value.violations] == ["query"]


def test_the_rest_twins_answer_as_graphql_does(system: System) -> None:
    graphql = search(system, "cancel my booking refund")
    found = system.rest(BUYER, "GET", "/v1/help/articles", None)
    assert found.status_code == 400
    assert [v["field"] for v in found.json()["error"]["violations"]] == ["query"]

    response = system.http.get(
        "/v1/help/articles",
        params={"query": "cancel my booking refund"},
        headers={"Authorization": f"Bearer {mint(BUYER, [], secret=system.stack.jwt_secret)}"},
    )
    assert response.status_code == 200, response.text
    rest = response.json()
    assert [article["id"] for article in rest] == [article["id"] for article in graphql]
    assert set(rest[0]) == {"id", "title", "summary", "url", "searchId", "rank"}

    empty = rest_as(system, BUYER, [], "GET", "/v1/help/articles", params={"query": ""})
    assert empty.status_code == 400
    assert [v["field"] for v in empty.json()["error"]["violations"]] == ["query"]

    body = {"searchId": rest[0]["searchId"], "articleId": rest[0]["id"]}
    assert system.rest(BUYER, "POST", "/v1/help/deflections", body).json() == {"recorded": True}
    assert system.rest(BUYER, "POST", "/v1/help/deflections", body).json() == {"recorded": False}
    assert system.rest(OTHER, "POST", "/v1/help/deflections", body).status_code == 404

    assert rest_as(system, BUYER, [], "GET", "/v1/admin/help-stats").status_code == 403
    counts = rest_as(system, AGENT, AGENT_ROLES, "GET", "/v1/admin/help-stats")
    assert counts.status_code == 200, counts.text
    assert counts.json() == stats(system)
    window = rest_as(
        system,
        AGENT,
        AGENT_ROLES,
        "GET",
        "/v1/admin/help-stats",
        params={"since": "2001-01-01T00:00:00Z", "until": "2001-01-02T00:00:00Z"},
    )
    assert window.status_code == 200
    assert (window.json()["searches"], window.json()["deflectionRate"]) == (0, 0)
