"""The date measurement: what a page's markup declares, read independently of htmldate, and
the summary over the four pages of tests/data/eval-slice."""

import io
from datetime import date
from pathlib import Path

import lxml.html
import pytest

from bench.dates import declared_date, main, parse_day, run

SLICE = Path(__file__).resolve().parents[1] / "data" / "eval-slice"


@pytest.mark.parametrize(
    ("head", "day"),
    [
        ('<meta property="article:published_time" content="2019-11-19T07:03:25+00:00">', 19),
        ('<meta name="DC.date.issued" content="2019-11-18">', 18),
        ('<meta name="pubdate" content="November 17, 2019">', 17),
        (
            '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, '
            '{"@type": "NewsArticle", "datePublished": "2019-11-16T10:00:00Z"}]}</script>',
            16,
        ),
    ],
)
def test_declared_dates_from_meta_tags_and_json_ld(head: str, day: int):
    page = f"<html><head>{head}</head><body><p>Text.</p></body></html>"
    assert declared_date(lxml.html.fromstring(page)) == date(2019, 11, day)


def test_microdata_counts_and_placeholders_and_other_tags_do_not():
    page = '<html><body><span itemprop="datePublished" datetime="2019-11-15">x</span></body></html>'
    assert declared_date(lxml.html.fromstring(page)) == date(2019, 11, 15)
    modified = '<html><head><meta property="article:modified_time" content="2019-11-20"></head>'
    assert declared_date(lxml.html.fromstring(modified + "<body>x</body></html>")) is None
    assert parse_day("0001-01-01T00:00:00") is None and parse_day("not a date") is None


def test_the_slice_is_summarised_page_by_page():
    out = io.StringIO()
    rows = run(SLICE, out=out)
    assert len(rows) == len(list((SLICE / "html").glob("*.html.gz")))
    for row in rows:
        assert (row.published is None) == (row.source is None)
        assert row.dump is not None  # every page of the slice has its text dump
    text = out.getvalue()
    dated = sum(row.published is not None for row in rows)
    assert text.startswith(f"HTML pages: {len(rows)}\n")
    assert f"pipeline published_date: {dated} of {len(rows)}" in text


def test_no_dataset_is_one_line_and_status_1(tmp_path: Path, capsys):
    assert main(["--dataset", str(tmp_path)]) == 1
    assert capsys.readouterr().err.count("\n") == 1
