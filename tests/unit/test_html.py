import datetime

from pipeline.stages.cleaning import clean_text
from pipeline.stages.extract import Extracted, extract_html

PARAGRAPHS = [
    "The city council approved a new budget on Tuesday after a debate that lasted most of the "
    "night, with members arguing over money for roads, schools and the public library.",
    "Opposition members said the plan would raise local taxes for most families, while the "
    "mayor insisted that the increase was modest and long overdue after years of cuts.",
    "The budget takes effect in July, and officials said the first projects would begin "
    "before the end of the summer, starting with repairs to the bridge over the river.",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<title>Council approves budget | The Riverside Courier</title>
<meta property="og:title" content="Council approves budget">
<meta property="og:url" content="https://courier.example/news/council-budget">
<link rel="canonical" href="https://courier.example/news/council-budget">
<meta property="article:published_time" content="2023-05-02T09:30:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Council approves budget</h1>
<p>{PARAGRAPHS[0]}</p>
<p>{PARAGRAPHS[1]}</p>
<p>{PARAGRAPHS[2]}</p>
</article>
<footer><p>© 2023 The Riverside Courier. All rights reserved.</p>
<a href="/privacy">Privacy Policy</a></footer>
</body></html>
"""


def test_extracts_body_and_metadata() -> None:
    extracted = extract_html(PAGE)
    assert extracted.title == "Council approves budget"
    assert extracted.published_date == datetime.date(2023, 5, 2)
    assert extracted.source_url == "https://courier.example/news/council-budget"
    for paragraph in PARAGRAPHS:
        assert paragraph in extracted.text
    assert "Privacy Policy" not in extracted.text
    assert "Sport" not in extracted.text.split("\n")


def test_text_starts_with_the_title_so_cleaning_keeps_the_first_paragraph() -> None:
    extracted = extract_html(PAGE)
    assert extracted.text.split("\n")[0] == "Council approves budget"
    cleaned = clean_text(extracted.text)
    assert cleaned.title == "Council approves budget"
    assert cleaned.text.split("\n\n") == PARAGRAPHS


def test_nothing_found_gives_empty_text() -> None:
    assert extract_html("") == Extracted("", None, None, None)
    assert extract_html("<html><body></body></html>").text == ""
    assert extract_html("  \n ").text == ""
