import datetime
import textwrap
from pathlib import Path

import pytest

from pipeline.stages.cleaning import (
    RULES,
    Cleaned,
    RemovedLine,
    clean_text,
    common_key,
    line_key,
    rule_reasons,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

FIRST = "The council approved the new budget on Tuesday after a long debate in the chamber."
LAST = "Opposition members said the plan would raise local taxes for most families in the city."
BODY = f"{FIRST}\n\n{LAST}"


def page(*lines: str) -> str:
    """An article: title (line 0), a paragraph (2), the given lines (4, 6...), a paragraph."""
    return "\n\n".join(("Council approves budget", FIRST, *lines, LAST))


def removed_rules(cleaned: Cleaned) -> list[tuple[int, str]]:
    return [(r.line_no, r.rule) for r in cleaned.removed]


def assert_body_kept(text: str, cleaned: Cleaned) -> None:
    removed = {r.line_no for r in cleaned.removed}
    for no, line in enumerate(text.split("\n")):
        if line.strip() and no not in removed:
            assert line.strip() in cleaned.text, (no, line)


# --- every rule is documented -------------------------------------------------------------


def test_every_rule_has_a_name_and_a_reason() -> None:
    names = {rule.name for rule in RULES}
    assert {"title", "read_more", "comment_form", "share", "photo_caption"} <= names
    for rule in RULES:
        assert rule.name.isidentifier() and rule.name.islower()
        assert len(rule.reason.split()) >= 4


def test_every_rule_name_has_one_reason_for_the_cleaning_rules_table() -> None:
    reasons = rule_reasons()
    assert sorted(reasons) == sorted({rule.name for rule in RULES})
    captions = [rule.reason for rule in RULES if rule.name == "photo_caption"]
    assert len(captions) == 2 and reasons["photo_caption"] == "; ".join(captions)


# --- metadata -------------------------------------------------------------------------------


def test_title_is_first_line_and_leaves_the_body() -> None:
    cleaned = clean_text(page())
    assert cleaned.title == "Council approves budget"
    assert removed_rules(cleaned) == [(0, "title")]
    assert cleaned.text.startswith("The council approved")


def test_date_marker_gives_date_and_title() -> None:
    cleaned = clean_text(" date 2022-02-27 Budget passes.\n\n" + BODY)
    assert cleaned.published_date == datetime.date(2022, 2, 27)
    assert cleaned.title == "Budget passes."
    assert cleaned.removed == (
        RemovedLine(0, "date 2022-02-27", "date_marker"),
        RemovedLine(0, "Budget passes.", "title"),
    )


def test_invalid_date_marker_is_not_a_date() -> None:
    cleaned = clean_text("date 2022-13-45 Budget passes.\n\n" + BODY)
    assert cleaned.published_date is None
    assert cleaned.title == "date 2022-13-45 Budget passes."


def test_trailing_url_is_the_source() -> None:
    cleaned = clean_text(page("") + "\n\nhttps://example.com/news/budget-123\n\n")
    assert cleaned.source_url == "https://example.com/news/budget-123"
    assert removed_rules(cleaned)[-1][1] == "source_url"


def test_empty_text() -> None:
    assert clean_text("") == Cleaned("", None, None, None, ())
    assert clean_text("\n \n").text == ""


# --- line patterns --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Read more: Mayor resigns after scandal", "read_more"),
        ("READ ALSO : Floods hit the north", "read_more"),
        ("ALSO READ Floods hit the north", "read_more"),
        ("Related: Floods hit the north", "read_more"),
        ("See also: Floods hit the north", "read_more"),
        ("Related Articles", "read_more"),
        ("Previous article Council to review parking fees", "read_more"),
        ("Next Post: Council to review parking fees", "read_more"),
        ("Leave a Reply", "comment_form"),
        ("Leave a Reply Cancel reply", "comment_form"),
        ("Your email address will not be published.", "comment_form"),
        ("Required fields are marked *", "comment_form"),
        ("Post Comment", "comment_form"),
        ("Save my name, email, and website in this browser for the next time I comment.", None),
        ("Share this:", "share"),
        ("Share on Facebook", "share"),
        ("Twitter", "share"),
        ("Subscribe to our newsletter", "newsletter"),
        ("Sign up for our daily briefing", "newsletter"),
        ("Stay up to date with The Courier. Subscribe to our newsletter.", "newsletter"),
        ("Sign Up for e-mail newsletters", "newsletter"),
        ("No spam, we promise. You can unsubscribe at any time.", "newsletter"),
        ("The day's top stories, delivered straight to your inbox.", "newsletter"),
        ("We use cookies to improve your experience on our site.", "cookie_notice"),
        ("Illustrative photo from open sources", "photo_caption"),
        ("Photo: Jane Doe / Reuters", "photo_caption"),
        ("(Getty Images)", "photo_caption"),
        ("Image caption", "photo_caption"),
        ("Image copyright Getty Images", "photo_caption"),
        ("Firefighters at the scene on Monday (Photo: AFP)", "photo_caption"),
        ("The mayor is seen leaving city hall, on May 2, 2023", "photo_caption"),
        ("The mayor at city hall on Monday. Credit... Jane Doe/The Courier", "photo_caption"),
        ("An artist's impression of the new bridge [Arup via the council]", "photo_caption"),
        ("By Jane Doe", "byline"),
        ("By Jane Doe and John Roe | The Courier", "byline"),
        ("Posted by Jane Doe on May 2, 2023 at 10:10 am", "byline"),
        ("(Reporting by Jane Doe; Editing by John Roe)", "byline"),
        ("Associated Press writer John Roe contributed to this report.", "byline"),
    ],
)
def test_line_pattern(line: str, rule: str | None) -> None:
    cleaned = clean_text(page(line))
    expected = rule or "comment_form"  # the "Save my name" line belongs to the comment form
    assert removed_rules(cleaned) == [(0, "title"), (4, expected)]
    assert line not in cleaned.text
    assert cleaned.text == BODY


@pytest.mark.parametrize(
    "line",
    [
        "Read the full statement below, the minister said in a post on Tuesday.",
        "Share prices fell sharply after the announcement, traders said.",
        "Twitter users reacted angrily to the decision, which was announced on Friday.",
        "Photographers gathered outside the court as the verdict was read.",
        "He said the subscription model would be reviewed next year.",
        "Comments made by the minister caused an uproar in parliament on Monday.",
        "By Tuesday the council had approved the plan, officials said.",
        "By most accounts, the new bus lanes have worked.",
        "Readers can sign up for the library's reading challenge until the end of May.",
        "Next year's budget will be debated in March.",
    ],
)
def test_prose_that_starts_like_furniture_stays(line: str) -> None:
    cleaned = clean_text(page(line))
    assert removed_rules(cleaned) == [(0, "title")]
    assert line in cleaned.text


# --- structure ------------------------------------------------------------------------------


def test_repeated_line_goes_and_unpunctuated_first_copy_is_a_caption() -> None:
    caption = "Protesters gather outside parliament in the capital"
    cleaned = clean_text(page(caption, caption))
    assert removed_rules(cleaned) == [(0, "title"), (4, "photo_caption"), (6, "repeated_line")]
    assert caption not in cleaned.text


def test_repeated_punctuated_line_keeps_its_first_copy() -> None:
    sentence = "The vote was 31 to 12."
    cleaned = clean_text(page(sentence, sentence))
    assert removed_rules(cleaned) == [(0, "title"), (6, "repeated_line")]
    assert cleaned.text.count(sentence) == 1


def test_repeated_title_goes() -> None:
    cleaned = clean_text("Budget passes.\n\nBudget passes.\n\n" + BODY)
    assert removed_rules(cleaned) == [(0, "title"), (2, "repeated_line")]
    assert cleaned.text == BODY


def test_caption_glued_to_a_paragraph_is_cut_from_it() -> None:
    glued = "The vote was 31 to 12. Protesters gather outside parliament in the capital"
    cleaned = clean_text(page(glued, "Protesters gather outside parliament in the capital"))
    assert cleaned.removed[1:] == (
        RemovedLine(4, "Protesters gather outside parliament in the capital", "photo_caption"),
        RemovedLine(6, "Protesters gather outside parliament in the capital", "repeated_line"),
    )
    assert "The vote was 31 to 12." in cleaned.text
    assert "Protesters" not in cleaned.text


def test_short_lines_are_not_taken_for_echoes() -> None:
    cleaned = clean_text(page("It passed.", "Passed"))
    assert "Passed" in cleaned.text.split("\n\n")


def test_repeated_line_ending_in_an_emoji_is_a_sentence() -> None:
    sentence = "We hope to see you all at the fair next weekend 🙂"
    cleaned = clean_text(page(sentence, sentence))
    assert removed_rules(cleaned) == [(0, "title"), (6, "repeated_line")]
    assert cleaned.text.count(sentence) == 1


def test_links_under_a_standalone_heading_go() -> None:
    links = ["Most Read", "Bridge closure to last until autumn", "2", "New school opens"]
    cleaned = clean_text(page(*links))
    assert removed_rules(cleaned) == [
        (0, "title"),
        (4, "read_more"),
        (6, "related_list"),
        (8, "related_list"),
        (10, "related_list"),
    ]
    assert cleaned.text == BODY


def test_text_after_an_inline_read_more_link_stays() -> None:
    lines = ("Read more: Bridge closure to last until autumn", "Roadworks begin in July")
    cleaned = clean_text(page(*lines))
    assert removed_rules(cleaned) == [(0, "title"), (4, "read_more")]
    assert "Roadworks begin in July" in cleaned.text


def test_truncated_last_sentence_is_cut_only() -> None:
    text = page() + "\n\nThe budget takes effect in July. Critics say it will hurt the budg"
    cleaned = clean_text(text)
    assert cleaned.removed[-1] == RemovedLine(
        6, "Critics say it will hurt the budg", "truncated_sentence"
    )
    assert cleaned.text.endswith("The budget takes effect in July.")


def test_last_sentence_ending_on_a_function_word_is_cut() -> None:
    cleaned = clean_text(page() + "\n\nCritics said the plan was unfair to the")
    assert removed_rules(cleaned)[-1] == (6, "truncated_sentence")


def test_complete_last_sentence_without_full_stop_stays() -> None:
    text = page() + "\n\n'We will appeal,' the mayor told Newsroom24"
    cleaned = clean_text(text)
    assert cleaned.text.endswith("the mayor told Newsroom24")
    assert removed_rules(cleaned) == [(0, "title")]


def test_common_lines_are_corpus_boilerplate() -> None:
    text = page("Most Popular Stories Today", "© 2024 Example Media Group")
    cleaned = clean_text(text, common_lines=frozenset({common_key("MOST POPULAR stories today!")}))
    assert (4, "common_line") in removed_rules(cleaned)
    assert BODY in cleaned.text


def test_line_key_ignores_case_punctuation_and_spacing() -> None:
    assert line_key("  Share   THIS: ") == line_key("share this") == "share this"


# --- the seed files -------------------------------------------------------------------------

SEED_REMOVED = {
    "000_091a0a5e8adf2034.txt": [
        (0, "title"),
        (2, "photo_caption"),
        (3, "photo_caption"),
        (11, "read_more"),
        (17, "photo_caption"),  # first copy of a doubled unpunctuated line: a caption
        (18, "repeated_line"),
        (38, "read_more"),
    ],
    "001_3ee0e3ebcacc47ad.txt": [
        (0, "title"),
        (2, "repeated_line"),
        (67, "read_more"),
        (75, "photo_caption"),  # the caption glued to the end of a paragraph, repeated at 77
        (77, "repeated_line"),
        (79, "photo_caption"),  # "A column of ... vehicles is seen near ..."
        (123, "comment_form"),
    ],
    "003_f70de470215bb835.txt": [
        (0, "date_marker"),
        (0, "title"),
        (26, "truncated_sentence"),
        (28, "source_url"),
    ],
}


@pytest.mark.parametrize("name", sorted(SEED_REMOVED))
def test_seed_removed_lines(name: str) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    cleaned = clean_text(text)
    assert removed_rules(cleaned) == SEED_REMOVED[name]
    assert_body_kept(text, cleaned)


def test_seed_000_keeps_the_lede_without_full_stop() -> None:
    cleaned = clean_text((SEEDS / "000_091a0a5e8adf2034.txt").read_text(encoding="utf-8"))
    assert cleaned.text.startswith("The Kremlin’s strategic goal is to involve")
    assert "Russia keeps trying" not in cleaned.text


def test_seed_001_keeps_paragraph_before_glued_caption_and_last_sentence() -> None:
    cleaned = clean_text((SEEDS / "001_3ee0e3ebcacc47ad.txt").read_text(encoding="utf-8"))
    assert "the longest bridge in Europe which opened in 2018." in cleaned.text
    assert "Russians attend anti-war protests" not in cleaned.text
    assert cleaned.text.endswith("Truss told Metronews247")
    assert cleaned.title == "Belarus to join Russia in the fight against Ukraine."


def test_seed_003_metadata_and_cut_sentence() -> None:
    cleaned = clean_text((SEEDS / "003_f70de470215bb835.txt").read_text(encoding="utf-8"))
    assert cleaned.published_date == datetime.date(2022, 2, 27)
    assert cleaned.title == "Belarus a puppet regime of Russia is posing to attack Ukraine."
    assert cleaned.source_url == (
        "https://www.mirror.co.uk/news/world-news/breaking-belarus-to-join-ukraine-26341111"
    )
    assert cleaned.text.endswith("among the most lethal non-nuclear bombs ever developed.")
    assert "invasion of Ukrain" not in cleaned.text


def test_first_line_of_paragraph_length_is_not_a_title() -> None:
    first = " ".join(["The council met again on Tuesday and talked about the roads."] * 5)
    cleaned = clean_text(f"{first}\n\n{BODY}")
    assert cleaned.title is None
    assert cleaned.text == f"{first}\n\n{BODY}"


def test_lines_without_words_go() -> None:
    cleaned = clean_text(page("\u200b", "* * *"))
    assert removed_rules(cleaned) == [(0, "title"), (4, "no_words"), (6, "no_words")]


def test_copyright_line_goes() -> None:
    cleaned = clean_text(page("© 2023 Riverside Media Group. All rights reserved."))
    assert removed_rules(cleaned) == [(0, "title"), (4, "copyright")]


def test_comment_thread_goes_to_the_end() -> None:
    comments = [
        "3 Comments",
        "breadlover says:",
        "May 2, 2023 at 10:10 am",
        "Well deserved, they have waited years for this money.",
        "Mike R says:",
        "Taxes will go up again, you watch.",
        "Ann on May 2, 2023 at 11:02 am said:",
        "Good news for the roads at last.",
    ]
    text = page() + "\n\n" + "\n\n".join(comments)
    cleaned = clean_text(text)
    rules = ["title", "comment_form"] + ["comments"] * (len(comments) - 1)
    assert [r.rule for r in cleaned.removed] == rules
    assert cleaned.text == BODY


def test_one_said_colon_is_not_a_thread() -> None:
    cleaned = clean_text(page("The mayor said:", "“We will appeal against this decision.”"))
    assert removed_rules(cleaned) == [(0, "title")]


def test_line_repeating_the_paragraphs_goes() -> None:
    blob = f"{FIRST} {LAST}"  # e.g. the JSON-LD articleBody the scraper saved as text
    cleaned = clean_text(page() + "\n\n" + blob)
    assert removed_rules(cleaned) == [(0, "title"), (6, "duplicate_text")]
    assert cleaned.text == BODY


def test_teaser_cut_with_an_ellipsis_goes() -> None:
    teaser = "The council has published plans for a car park next to the station, which wou..."
    writer = "And then, as the vote was counted, something unexpected happened ..."
    cleaned = clean_text(page(teaser, writer))
    assert removed_rules(cleaned) == [(0, "title"), (4, "teaser")]
    assert writer in cleaned.text


NAV = ["Home", "News", "Local", "Politics", "Business", "Sport", "Football", "Culture", "Travel"]
NAV += ["Weather", "Opinion", "Letters", "Obituaries", "Puzzles", "Jobs", "Property", "Motors"]
FOOTER = ["About us", "Contact", "Advertise", "Privacy Policy", "Terms"]


def dump(*body: str, related: tuple[str, ...] = ()) -> str:
    """A page's plain-text dump: title, menu, headline, byline, body, related links, footer."""
    lines = ["Council approves budget | The Courier", "", *NAV, "", "Council approves budget"]
    lines += ["", "By Jane Doe", "", "May 2, 2023", ""]
    for paragraph in body:
        lines += [paragraph, ""]
    lines += ["More stories", "", *related, "", *FOOTER]
    return "\n".join(lines)


LONG = [
    "The council approved the new budget on Tuesday after a debate that lasted most of the "
    "night, with members arguing over money for roads, schools and the public library.",
    "Opposition members said the plan would raise local taxes for most families, while the "
    "mayor insisted that the increase was modest and long overdue after years of cuts.",
    "Roadworks will begin in July.",
    "The budget takes effect in July, and officials said the first projects would begin before "
    "the end of the summer, starting with repairs to the bridge over the river.",
]


def test_page_dump_keeps_the_article_and_drops_menus() -> None:
    text = dump(*LONG, related=("Bridge closure to last until autumn", "New school opens"))
    cleaned = clean_text(text)
    assert cleaned.text.split("\n\n") == LONG
    rules = {r.text: r.rule for r in cleaned.removed}
    assert rules["Home"] == rules["Privacy Policy"] == rules["By Jane Doe"] == "low_content"
    assert rules["Council approves budget"] == "low_content"  # the h1 repeating the title


def test_page_dump_drops_good_looking_text_away_from_the_article() -> None:
    teaser = (
        "In other news, the library will extend its opening hours over the summer holidays, "
        "the council said in a statement that was published on its website on Monday."
    )
    text = dump(*LONG, related=(*NAV[:8], teaser))
    cleaned = clean_text(text)
    assert cleaned.text.split("\n\n") == LONG
    assert [r.rule for r in cleaned.removed if r.text == teaser] == ["outside_body"]


def test_page_dump_keeps_a_list_after_the_article() -> None:
    tour = [
        "June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL",
        "June 10 -- Credit Union Amphitheatre, Tampa, FL",
        "June 14 -- Ameris Bank Amphitheatre, Alpharetta, GA",
        "June 17 -- Bridgestone Arena, Nashville, TN",
    ]
    text = dump(*LONG, "\n".join(tour))
    cleaned = clean_text(text)
    assert cleaned.text.split("\n\n") == LONG + tour


def test_page_dump_keeps_an_embedded_post() -> None:
    post = "What a night for the city, and thank you all for coming out pic.twitter.com/x7Rk2"
    signature = "— City Council (@citycouncil) November 20, 2023"
    text = dump(LONG[0], LONG[1], post, signature, LONG[3])
    cleaned = clean_text(text)
    assert cleaned.text.split("\n\n") == [LONG[0], LONG[1], post, signature, LONG[3]]


def test_page_dump_drops_a_long_headline_repeat() -> None:
    headline = "Council approves the new city budget after a long night of debate in the chamber"
    text = dump(*LONG).replace("\nCouncil approves budget\n", f"\n{headline}\n")
    text = text.replace("Council approves budget | The Courier", f"{headline} | The Courier")
    cleaned = clean_text(text)
    assert cleaned.title == f"{headline} | The Courier"
    assert cleaned.text.split("\n\n")[-len(LONG) :] == LONG
    assert headline not in cleaned.text
    assert [r.rule for r in cleaned.removed if r.text == headline] == ["outside_body"]


def test_an_article_is_not_a_page_dump() -> None:
    # Few label lines: an extracted article; its list and subheading stay.
    listing = ["Budget at a glance", "Roads: £4m", "Schools: £3m", "Library: £1m"]
    cleaned = clean_text(page(*listing))
    assert removed_rules(cleaned) == [(0, "title")]


def test_text_known_to_start_with_its_body_keeps_the_first_line():
    text = "Short opening line of the body\n\nThe second paragraph follows here."
    assert clean_text(text).title == "Short opening line of the body"
    kept = clean_text(text, has_title=False)
    assert kept.title is None
    assert kept.text.startswith("Short opening line of the body")


def test_a_first_sentence_is_body_unless_the_page_shows_a_headline():
    # a typed answer starts with a sentence: a full stop after a short first line is prose
    answer = "Inheritance lets one class reuse another.\n\n" + BODY
    cleaned = clean_text(answer)
    assert (cleaned.title, cleaned.text) == (None, answer)
    # ...but a question may be a headline, and a page may show its headline has a full stop
    assert clean_text("Will the budget pass?\n\n" + BODY).title == "Will the budget pass?"
    assert clean_text("Budget passes.\n\nBudget passes.\n\n" + BODY).title == "Budget passes."


def test_hard_wrapped_lines_are_joined_into_their_paragraphs():
    first = textwrap.fill(" ".join([FIRST] * 3), 72)
    last = textwrap.fill(" ".join([LAST] * 2), 72)
    cleaned = clean_text(f"{first}\n\n{last}\n")
    assert cleaned.title is None and cleaned.removed == ()
    assert cleaned.text == " ".join([FIRST] * 3) + "\n\n" + " ".join([LAST] * 2)
    # a wrapped first line is no headline even when a capital follows it
    wrapped = textwrap.fill("The council approved the new budget for Marlow and " + LAST, 60)
    assert clean_text(wrapped).text == " ".join(wrapped.split("\n"))


def test_a_wrapped_line_in_the_caption_register_is_no_caption():
    text = (
        "The jury said the winners of the prizes this year are seen to have achieved\n"
        "distinction in the movies and are therefore likely to be remembered for a\n"
        "long time to come, whatever the critics say about the ceremony itself.\n"
    )
    cleaned = clean_text(text)
    assert cleaned.removed == ()
    assert cleaned.text == " ".join(text.split("\n")).strip()


def test_short_lines_of_a_list_stay_apart():
    listing = ["Budget at a glance", "Roads: £4m", "Schools: £3m", "Library: £1m"]
    cleaned = clean_text("\n\n".join([FIRST, "\n".join(listing), LAST]))
    assert cleaned.text == "\n\n".join([FIRST, *listing, LAST])
