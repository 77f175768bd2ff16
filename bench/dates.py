"""How many pages get a published date, and from which clue, against what the pages declare.

On a dataset laid out as for the cleaning evaluation (`html/<id>.html.gz`, `text/<id>.txt`):

- pipeline: each HTML page through `prepare` (as `corpus run` makes its documents row, first
  seen now): its published_date and date_source;
- declared: the publication date the page's own markup states, read here with lxml and
  independently of htmldate: `<meta>` tags (article:published_time, og:published_time,
  datePublished, pubdate, publishdate, date, dc.date(.issued), sailthru.date,
  parsely-pub-date...), JSON-LD `datePublished` (at any depth, @graph included), microdata
  `itemprop=datePublished`; a `<time datetime>` element is counted apart (it may date a
  comment or a related story);
- htmldate, extensive: the date trafilatura's defaults gave before (htmldate searching the
  free text too), for comparison;
- text dumps: each `text/<id>.txt` through `prepare`, its date and source, and whether it is
  the day its HTML page was dated.

Run: `python -m bench.dates [--dataset DIR]` (default ../shared/eval/article-extraction-dev).
"""

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

import lxml.html
from htmldate import find_date

from pipeline.settings import SHARED_DIR
from pipeline.stages.dates import EARLIEST, text_dates
from pipeline.stages.document import WorkItem, prepare

DEFAULT_DATASET = SHARED_DIR / "eval" / "article-extraction-dev"
META_NAMES = frozenset(
    {
        "article:published_time",
        "og:published_time",
        "og:article:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.date",
        "dcterms.issued",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "cxenseparse:recs:publishtime",
    }
)
ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class PageDates:
    """One page: the pipeline's date and source, what its markup declares, htmldate's
    extensive search, and its text dump's date and source (None: no dump)."""

    page_id: str
    published: date | None
    source: str | None
    declared: date | None
    time_element: bool
    extensive: date | None
    dump: tuple[date | None, str | None] | None


def parse_day(value: str | None) -> date | None:
    """The day of an ISO timestamp, else of the first full date written in `value`; None for
    a placeholder before the web (`0001-01-01`)."""
    value = (value or "").strip()
    match = ISO_DAY.search(value)
    try:
        day = date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        return None
    if day is None:
        found = text_dates(value)
        day = found[0] if found else None
    return day if day is None or day >= EARLIEST else None


def declared_date(tree: lxml.html.HtmlElement) -> date | None:
    """The publication day the page's markup states: meta tags, JSON-LD, microdata."""
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in META_NAMES and (day := parse_day(meta.get("content"))):
            return day
    for script in tree.xpath("//script[@type='application/ld+json']"):
        for value in _json_values(script.text_content(), "datePublished"):
            if day := parse_day(value if isinstance(value, str) else None):
                return day
    for element in tree.xpath("//*[@itemprop='datePublished']"):
        text = element.get("datetime") or element.get("content") or element.text_content()
        if day := parse_day(text):
            return day
    return None


def _json_values(text: str, key: str) -> Iterator[object]:
    try:
        stack = [json.loads(text)]
    except ValueError:
        return
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if key in item:
                yield item[key]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _row(path: Path, doc_id: str) -> tuple[date | None, str | None]:
    info = path.stat()
    seen = datetime.now(UTC)
    item = WorkItem(doc_id, str(path), 0, info.st_size, info.st_mtime_ns, None, seen, False)
    document = prepare(item, max_bytes=50_000_000).document
    return document["published_date"], document["date_source"]


def page_dates(dataset: Path, page: Path) -> PageDates:
    page_id = page.name.removesuffix(".html.gz")
    published, source = _row(page, page.name)  # the pipeline reads .html.gz as HTML
    tree = lxml.html.fromstring(gzip.decompress(page.read_bytes()))
    extensive = find_date(tree, extensive_search=True, original_date=True)
    dump_path = dataset / "text" / f"{page_id}.txt"
    return PageDates(
        page_id=page_id,
        published=published,
        source=source,
        declared=declared_date(tree),
        time_element=bool(tree.xpath("//time[@datetime]")),
        extensive=parse_day(extensive),
        dump=_row(dump_path, dump_path.name) if dump_path.is_file() else None,
    )


def run(dataset: Path, *, out: TextIO) -> list[PageDates]:
    """Every page's dates, with the summary printed to `out`."""
    rows = [page_dates(dataset, page) for page in sorted((dataset / "html").glob("*.html.gz"))]
    print_summary(rows, out)
    return rows


def _share(n: int, total: int) -> str:
    return f"{n} of {total} ({n / total:.0%})" if total else "0 of 0"


def print_summary(rows: list[PageDates], out: TextIO) -> None:
    n = len(rows)
    dated = [r for r in rows if r.published]
    declared = [r for r in rows if r.declared]
    both = [r for r in rows if r.published and r.declared]
    sources = Counter(r.source for r in dated)
    print(f"HTML pages: {n}", file=out)
    by_source = ", ".join(f"{s} {k}" for s, k in sources.most_common())
    print(f"  pipeline published_date: {_share(len(dated), n)}: {by_source}", file=out)
    print(f"  declared in meta tags / JSON-LD / microdata: {_share(len(declared), n)}", file=out)
    with_time = sum(r.time_element for r in rows)
    extensive = sum(r.extensive is not None for r in rows)
    print(f"  with a <time datetime> element: {_share(with_time, n)}", file=out)
    print(f"  htmldate with extensive search (the old date): {_share(extensive, n)}", file=out)
    old = [r for r in rows if r.extensive and r.declared]
    old_same = sum(r.extensive == r.declared for r in old)
    print(f"  ... = declared, where both: {_share(old_same, len(old))}", file=out)
    same = sum(r.published == r.declared for r in both)
    near = sum(abs((r.published - r.declared).days) <= 1 for r in both)
    print(f"  pipeline = declared, where both: {_share(same, len(both))}", file=out)
    print(f"  ... within a day: {_share(near, len(both))}", file=out)
    missed = [r.page_id[:12] for r in declared if not r.published]
    print(f"  declared but undated by the pipeline: {len(missed)} {missed}", file=out)
    dumps = [r for r in rows if r.dump is not None]
    dated_dumps = [r for r in dumps if r.dump[0]]
    dump_sources = Counter(r.dump[1] for r in dated_dumps)
    by_dump_source = ", ".join(f"{s} {k}" for s, k in dump_sources.most_common())
    print(f"text dumps: {len(dumps)}", file=out)
    print(f"  dated: {_share(len(dated_dumps), len(dumps))}: {by_dump_source}", file=out)
    paired = [r for r in dated_dumps if r.published]
    agree = sum(r.dump[0] == r.published for r in paired)
    near = sum(abs((r.dump[0] - r.published).days) <= 3 for r in paired)
    print(f"  same day as its HTML page, where both: {_share(agree, len(paired))}", file=out)
    print(f"  ... within three days: {_share(near, len(paired))}", file=out)
    for r in paired:
        if r.dump[0] != r.published:
            print(
                f"    {r.page_id[:12]}: text {r.dump[0]} ({r.dump[1]}), html {r.published}",
                file=out,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.dates", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET, help="html/ and text/")
    args = parser.parse_args(argv)
    if not (args.dataset / "html").is_dir():
        print(f"no dataset at {args.dataset} (give --dataset DIR)", file=sys.stderr)
        return 1
    run(args.dataset.resolve(), out=sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
