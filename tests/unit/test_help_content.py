"""The help centre's articles: every file parses, there are enough of them, each has a slug of its
own, every topic the support centre is asked about has its article, and the policy numbers they
quote are the product's."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.support.adapters.help_repository import ARTICLES_DIR, ArticleFileError, parse_article, read_articles
from services.support.usecases.help_centre import ArticleContent, search_terms

# Topic → words one of the articles must carry (in its title, summary, keywords or body).
TOPICS: dict[str, tuple[str, ...]] = {
    "cancellations and refunds": ("cancel", "refund"),
    "rescheduling": ("reschedule",),
    "extras": ("extras",),
    "proofs and deliverables": ("proofs", "deliverables"),
    "expenses": ("expense",),
    "payouts": ("payout",),
    "booking disputes": ("dispute", "seven days"),
    "chargebacks": ("chargeback", "due date"),
    "dmca notices": ("512(c)(3)", "penalty of perjury"),
    "dmca counter-notices": ("counter-notice", "512(g)", "10 and 14 business days"),
    "strikes": ("strike",),
    "safety": ("safety",),
    "account and sign-in": ("sign in", "account"),
    "notifications and quiet hours": ("notifications", "quiet hours"),
}


@pytest.fixture(scope="module")
def articles() -> list[ArticleContent]:
    return read_articles()


def text_of(article: ArticleContent) -> str:
    return " ".join([article.title, article.summary, " ".join(article.keywords), article.body]).lower()


def by_slug(articles: list[ArticleContent], slug: str) -> ArticleContent:
    [article] = [article for article in articles if article.slug == slug]
    return article


def test_every_article_file_parses_and_there_are_at_least_twelve(articles: list[ArticleContent]) -> None:
    files = sorted(ARTICLES_DIR.glob("*.md"))
    assert len(files) >= 12
    assert len(articles) == len(files)
    for article in articles:
        assert article.title and article.summary and article.keywords
        assert len(article.summary) <= 300, article.slug
        # A few paragraphs: enough to answer the question without opening a case.
        assert article.body.count("\n\n") >= 2, article.slug


def test_slugs_are_unique_and_make_the_ids_and_urls(articles: list[ArticleContent]) -> None:
    slugs = [article.slug for article in articles]
    assert len(set(slugs)) == len(slugs)
    for article in articles:
        assert article.article_id == f"hlp_{article.slug}"
        assert article.url == f"/help/{article.slug}"


@pytest.mark.parametrize("topic", list(TOPICS))
def test_every_topic_has_an_article(articles: list[ArticleContent], topic: str) -> None:
    words = TOPICS[topic]
    assert any(all(word in text_of(article) for word in words) for article in articles), topic


def test_the_articles_quote_the_product_rules(articles: list[ArticleContent]) -> None:
    refunds = text_of(by_slug(articles, "cancellations-and-refunds"))
    for figure in ("72 hours or more", "between 24 and 72 hours", "less than 24 hours", "100 %", "50 %"):
        assert figure in refunds
    rescheduling = text_of(by_slug(articles, "rescheduling"))
    assert "between one and five slots" in rescheduling and "48 hours" in rescheduling
    assert "three rounds of change requests" in text_of(by_slug(articles, "proofs-and-deliverables"))
    assert "seven days after the booking's end" in text_of(by_slug(articles, "booking-disputes"))
    notice = text_of(by_slug(articles, "dmca-notices"))
    for element in ("signature", "identification of the copyrighted work", "identification of the infringing material"):
        assert element in notice
    for element in ("contact information", "good-faith belief", "accurate", "under penalty of perjury"):
        assert element in notice


def test_a_file_without_front_matter_or_a_required_field_is_refused() -> None:
    with pytest.raises(ArticleFileError, match="front matter"):
        parse_article("# Just a heading\n\nText.", name="bare.md")
    with pytest.raises(ArticleFileError, match="lacks summary"):
        parse_article("---\nslug: a\ntitle: A\n---\nBody.", name="a.md")
    with pytest.raises(ArticleFileError, match="not one of"):
        parse_article("---\nslug: a\ntitle: A\nsummary: S\nauthor: me\n---\nBody.", name="a.md")
    with pytest.raises(ArticleFileError, match="lower-case"):
        parse_article("---\nslug: Not A Slug\ntitle: A\nsummary: S\n---\nBody.", name="a.md")
    with pytest.raises(ArticleFileError, match="no body"):
        parse_article("---\nslug: a\ntitle: A\nsummary: S\n---\n\n", name="a.md")


def test_a_file_is_named_after_its_slug(tmp_path: Path) -> None:
    (tmp_path / "other-name.md").write_text("---\nslug: a-slug\ntitle: A\nsummary: S\n---\nBody.\n")
    with pytest.raises(ArticleFileError, match=r"name the file a-slug\.md"):
        read_articles(tmp_path)


def test_a_title_may_hold_a_colon_and_keywords_are_a_list() -> None:
    article = parse_article(
        "---\nslug: extras\ntitle: Extras: more work\nsummary: S\nkeywords: extra hour, overtime\n---\nBody.", name="x"
    )
    assert article.title == "Extras: more work"
    assert article.keywords == ("extra hour", "overtime")


@pytest.mark.parametrize(
    ("query", "head", "typing", "words"),
    [
        ("resched", "", "resched", ("resched",)),
        ("cancel my boo", "cancel my ", "boo", ("cancel", "my", "boo")),
        ("refund -late", "refund -late", "", ("refund", "late")),
        ('"money back"', '"money back"', "", ("money", "back")),
        ("  Payout  ", "", "payout", ("payout",)),
    ],
)
def test_the_last_word_is_typed_ahead_unless_it_is_excluded_or_quoted(
    query: str, head: str, typing: str, words: tuple[str, ...]
) -> None:
    terms = search_terms(query)
    assert (terms.head, terms.typing, terms.words) == (head, typing, words)
