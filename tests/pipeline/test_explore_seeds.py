"""`corpus search`, `kwic` and `report`, the collocation and timeline tables, and the report
asset, over a lake built from seeds/ with the real model."""

from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.assets.report import corpus_report
from pipeline.cli import main
from pipeline.explore.report import read_data, render_html, render_markdown
from pipeline.explore.search import search
from pipeline.lake import Lake, connect
from pipeline.lake.search import SEARCH_DIR
from pipeline.versions import code_version
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow
SEED_IDS = sorted(p.name for p in SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds as a lake, built once per module by `corpus run` (on the session's throw-away
    Dagster instance, tests/conftest.py)."""
    data = tmp_path_factory.mktemp("lake") / "data"
    assert main(["run", "--seeds", str(SEEDS), "--data", str(data)]) == 0
    return data


def corpus(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_search_ranks_the_brest_article_first(lake: Path, capsys):
    status, out, _ = corpus(capsys, "search", "oil depot Brest", "--data", str(lake))
    assert status == 0
    first = out.splitlines()[0]
    assert first.startswith(" 1. score ") and first.endswith("000_091a0a5e8adf2034.txt")
    assert "[Brest]" in out and "[oil]" in out
    with Lake(lake).reader() as reader:
        hits = search(reader, "oil depot Brest", data_dir=lake, limit=3)
    assert hits[0].doc_id == "000_091a0a5e8adf2034.txt"
    assert (lake / SEARCH_DIR / "versions.parquet").is_file()  # kept in step by the run


def test_kwic_aligns_belarus_in_every_seed(lake: Path, capsys):
    status, out, _ = corpus(capsys, "kwic", "Belarus", "--data", str(lake))
    assert status == 0
    lines = out.splitlines()[:-1]
    assert {line.split()[0] for line in lines} == set(SEED_IDS)
    column = lines[0].index("Belarus", len(SEED_IDS[0]) + 8)
    assert all(line[column : column + len("Belarus")].lower() == "belarus" for line in lines)
    assert out.splitlines()[-1] == f"({len(lines)} of {len(lines)} occurrences)"


def test_kwic_by_lemma_finds_inflected_forms(lake: Path, capsys):
    status, out, _ = corpus(capsys, "kwic", "attack", "--lemma", "--data", str(lake))
    assert status == 0
    assert " attacks " in out and " attack" in out
    status, exact, _ = corpus(capsys, "kwic", "attack", "--data", str(lake))
    assert status == 0 and " attacks " not in exact


def test_seeds_are_dated_by_marker_and_text_and_one_is_undated(lake: Path):
    with connect(lake) as con:
        dates = con.execute(
            "SELECT doc_id, published_date, date_source FROM documents ORDER BY doc_id"
        ).fetchall()
        days = con.execute("SELECT DISTINCT day FROM entity_timeline ORDER BY day").fetchall()
    assert dates == [
        ("000_091a0a5e8adf2034.txt", None, None),  # "in August": no full date
        ("001_3ee0e3ebcacc47ad.txt", date(2022, 2, 26), "text"),  # its caption's date
        ("003_f70de470215bb835.txt", date(2022, 2, 27), "marker"),
    ]
    assert days == [(date(2022, 2, 26),), (date(2022, 2, 27),)]  # 000's mentions: on no day


def test_report_timeline_spans_2022_and_counts_the_undated_seed(lake: Path):
    with Lake(lake).reader() as reader:
        data = read_data(reader)
        stamp = reader.stamp()
    assert {d.day.year for d in data.per_day} == {p.day.year for p in data.timelines} == {2022}
    assert data.undated == 1
    page = render_html(data)
    assert "1 undated document (no published date) is on no day." in page
    assert stamp.snapshot is not None and stamp.code_versions == (code_version(),)
    assert f"from snapshot {stamp.snapshot}, code version {code_version()}." in page
    assert f"From snapshot {stamp.snapshot}, code version" in render_markdown(data)


def test_collocations_are_content_words(lake: Path):
    with connect(lake) as con:
        rows = con.execute("SELECT lemma, collocate, pmi, rank FROM collocations").fetchall()
        stop_tokens = "SELECT DISTINCT lower(text) FROM tokens WHERE is_stop"
        stop = {row[0] for row in con.execute(stop_tokens).fetchall()}
    assert rows
    lemmas = {r[0].lower() for r in rows} | {r[1].lower() for r in rows}
    assert not lemmas & (STOP_WORDS | stop)
    assert all(lemma.isalpha() or "-" in lemma for lemma in lemmas)
    assert all(pmi > 0 and 1 <= rank <= 10 for _, _, pmi, rank in rows)


def test_report_command_writes_an_offline_page(lake: Path, capsys, tmp_path: Path):
    out_file = tmp_path / "report.html"
    status, out, _ = corpus(capsys, "report", "--data", str(lake), "--out", str(out_file))
    assert status == 0 and out.strip() == str(out_file)
    page = out_file.read_text()
    assert page.count("<svg") == 4 and "Belarus" in page and "photo_caption" in page


def test_report_asset_writes_next_to_the_lake(lake: Path):
    result = dg.materialize([corpus_report], resources={"lake": Lake(lake)})
    assert result.success
    metadata = result.asset_materializations_for_node("corpus_report")[0].metadata
    assert metadata["path"].value == str(lake / "report.html")
    assert "| Belarus | GPE | 3 |" in metadata["preview"].value
    assert (lake / "report.html").read_text().startswith("<!DOCTYPE html>")


def test_report_asset_renders_again_only_when_the_lake_moved(lake: Path):
    def materialize() -> dict:
        result = dg.materialize([corpus_report], resources={"lake": Lake(lake)})
        metadata = result.asset_materializations_for_node("corpus_report")[0].metadata
        return {key: value.value for key, value in metadata.items()}

    first = materialize()
    page = (lake / "report.html").stat().st_mtime_ns
    kept = materialize()
    assert kept["rebuilt"] is False and kept["preview"] == first["preview"]
    assert (lake / "report.html").stat().st_mtime_ns == page
    with Lake(lake).writer() as writer:  # any commit makes a new snapshot
        writer.record_state("report_test", "a commit")
    moved = materialize()
    assert moved["rebuilt"] is True and moved["source"] != kept["source"]
    (lake / "report.html").unlink()
    assert materialize()["rebuilt"] is True and (lake / "report.html").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "  "], "the query is empty"),
        (["search", "the of and"], "only stop words"),
        (["search", "zeppelinxyz"], "no document matches"),
        (["search", "oil", "--limit", "0"], "--limit"),
        (["kwic", "zeppelinxyz"], "no occurrence of 'zeppelinxyz'"),
        (["kwic", "zeppelinxyz", "--lemma"], "no form of the lemma"),
        (["kwic", "oil depot"], "one word"),
        (["kwic", "oil", "--window", "-1"], "--window"),
        (["report", "--out", "report.txt"], ".html"),
    ],
)
def test_bad_input_is_one_line_and_status_1(lake: Path, capsys, argv: list[str], message: str):
    status, out, err = corpus(capsys, *argv, "--data", str(lake))
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert err.startswith(f"corpus {argv[0]}: ")


@pytest.mark.parametrize("argv", [["search", "oil"], ["kwic", "oil"], ["report"]])
def test_no_data_yet_is_one_line_and_status_1(tmp_path: Path, capsys, argv: list[str]):
    status, _, err = corpus(capsys, *argv, "--data", str(tmp_path / "nothing"))
    assert status == 1 and err.count("\n") == 1 and "no data in" in err
