"""Every asset materialized over seeds/ with the real model, into a temporary lake."""

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.assets.metadata import ASSET_TABLES, SCHEMAS
from pipeline.cli import main
from pipeline.cli.run import execute
from pipeline.lake import connect
from pipeline.lake.sql import SQL_DIR
from pipeline.settings import Settings
from pipeline.stages.cleaning import rule_reasons
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow
TABLES = ("documents", "removed_lines", "sentences", "tokens", "entities", "files")
AGGREGATES = ("entity_counts", "lemma_counts", "doc_stats", "entity_cooccurrence")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("lake") / "data"
    assert main(["run", "--seeds", str(SEEDS), "--data", str(data)]) == 0
    return data


def _snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    columns = {"files": "doc_id, shard, n_bytes, mtime_ns, content_sha256, status, code_version"}
    return {
        t: con.execute(f"SELECT {columns.get(t, '*')} FROM {t} ORDER BY ALL").fetchall()
        for t in (*TABLES, *AGGREGATES, "boilerplate_rules")
    }


def test_every_seed_is_an_ok_english_document(lake: Path):
    con = connect(lake)
    rows = con.execute("SELECT doc_id, status, language, n_chars_clean FROM documents").fetchall()
    assert sorted(r[0] for r in rows) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert all(status == "ok" and lang == "en" and n > 2000 for _, status, lang, n in rows)
    dated = con.execute("SELECT published_date::VARCHAR, source_url FROM documents "
                        "WHERE doc_id LIKE '003%'").fetchone()  # fmt: skip
    assert dated == (
        "2022-02-27",
        "https://www.mirror.co.uk/news/world-news/breaking-belarus-to-join-ukraine-26341111",
    )


def test_top_entities_and_removed_lines(lake: Path):
    con = connect(lake)
    top = [r[0] for r in con.execute("SELECT norm FROM entity_counts LIMIT 8").fetchall()]
    assert {"Belarus", "Ukraine", "Russia"} <= set(top)
    read_more = con.execute(
        "SELECT doc_id, text FROM removed_lines WHERE rule = 'read_more' ORDER BY ALL"
    ).fetchall()
    assert ("000_091a0a5e8adf2034.txt", "Read more: The First Nuclear Warheads had been "
            "Delivered to Belarus from russia") in read_more  # fmt: skip
    assert any(text.startswith("READ ALSO :") for _, text in read_more)
    bodies = " ".join(r[0] for r in con.execute("SELECT text FROM documents").fetchall())
    assert "Read more" not in bodies and "Leave a Reply" not in bodies


def test_a_person_is_counted_once_under_the_full_name(lake: Path):
    con = connect(lake)
    putin = con.execute(
        "SELECT norm, mentions, documents FROM entity_counts WHERE norm LIKE '%Putin%'"
    ).fetchall()
    mentions = con.execute(
        "SELECT count(*) FROM entities "
        "WHERE label = 'PERSON' AND norm IN ('Putin', 'Vladimir Putin')"
    ).fetchone()[0]
    assert putin == [("Vladimir Putin", mentions, 2)]  # both forms, in one row
    aliases = con.execute("SELECT alias, canonical, basis FROM entity_aliases").fetchall()
    assert ("Putin", "Vladimir Putin", "text") in aliases


def test_every_removed_line_joins_its_rule_and_reason(lake: Path):
    con = connect(lake)
    rules = dict(con.execute("SELECT rule, reason FROM cleaning_rules").fetchall())
    assert rules == rule_reasons()
    unexplained = con.execute(
        "SELECT count(*) FROM removed_lines ANTI JOIN cleaning_rules USING (rule)"
    ).fetchone()[0]
    assert unexplained == 0 and con.execute("SELECT count(*) FROM removed_lines").fetchone()[0]


def test_annotations_point_at_documents_and_sentences(lake: Path):
    con = connect(lake)
    orphans = con.execute(
        "SELECT count(*) FROM entities e ANTI JOIN sentences s USING (doc_id, sent_idx)"
    ).fetchone()[0]
    assert orphans == 0
    lemma = con.execute("SELECT lemma FROM tokens WHERE text = 'involved' OR text = 'said' LIMIT 1")
    assert lemma.fetchone()[0] in {"involve", "say"}
    spans = con.execute(
        "SELECT e.text, substr(d.text, e.start_char + 1, e.end_char - e.start_char) "
        "FROM entities e JOIN documents d USING (doc_id)"
    ).fetchall()
    assert spans and all(a == b for a, b in spans)


def test_every_sql_file_runs(lake: Path):
    con = connect(lake)
    for path in sorted(SQL_DIR.rglob("*.sql")):
        if path.parent.name in {"search"}:
            continue  # needs the search index and a parameter: tested with `corpus search`
        if path.parent.name in {"collocations", "lake", "lines", "maintenance", "reuse"}:
            continue  # the writer's own, some on tables it registers: every run runs them
        statement = path.read_text()
        if "$" in statement or "?" in statement or "{" in statement:
            continue  # parameterised: exercised by the command that owns it
        assert con.sql(statement).fetchall() is not None, path


def test_a_second_run_changes_nothing(lake: Path, capsys: pytest.CaptureFixture[str]):
    before = _snapshot(connect(lake))
    assert main(["run", "--seeds", str(SEEDS), "--data", str(lake)]) == 0
    assert "nothing changed: no NLP work done" in capsys.readouterr().out
    assert _snapshot(connect(lake)) == before


def test_sql_command_formats(lake: Path, capsys: pytest.CaptureFixture[str]):
    query = "SELECT norm, documents FROM entity_counts WHERE norm = 'Belarus' AND label = 'GPE'"
    assert main(["sql", query, "--data", str(lake), "--format", "csv"]) == 0
    assert capsys.readouterr().out == "norm,documents\nBelarus,3\n"
    assert main(["sql", str(SQL_DIR / "top_entities.sql"), "--data", str(lake)]) == 0
    assert "Belarus" in capsys.readouterr().out
    assert main(["sql", "DROP TABLE tokens", "--data", str(lake)]) == 1
    assert "only queries" in capsys.readouterr().err


def test_asset_checks_pass_on_the_seeds(lake: Path):
    settings = Settings(SEEDS, lake)
    result = execute(settings)
    evaluations = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    names = {e.check_name for e in evaluations}
    assert {"empty_ok_documents", "orphan_entities", "files_documents_disagree"} <= names
    assert all(e.passed for e in evaluations), [e.check_name for e in evaluations if not e.passed]


def test_a_run_with_nothing_to_do_still_shows_every_table(lake: Path):
    """Row counts, previews and the numbers plotted per run, on a run that changed nothing;
    the report is kept, not rendered again."""
    result = execute(Settings(SEEDS, lake))
    assert result.success
    metadata = {
        event.asset_key.to_user_string(): event.step_materialization_data.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    with connect(lake) as con:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SCHEMAS}
    for asset, (table, *others) in ASSET_TABLES.items():
        rows = counts[table]
        assert metadata[asset]["dagster/row_count"].value == rows > 0, asset
        assert metadata[asset]["preview"].value.startswith("| "), asset
        for other in others:
            assert metadata[asset][f"rows/{other}"].value > 0, (asset, other)
    documents = metadata["documents"]
    assert documents["files_processed"] == dg.IntMetadataValue(0)
    assert documents["files_unchanged"] == dg.IntMetadataValue(3)
    assert documents["removed_lines/read_more"].value == 3
    assert 0 < documents["chars_removed_share"].value < 0.5
    assert metadata["text_reuse"]["rewrite"].value >= 1  # pairs of each kind, every run
    report = metadata["corpus_report"]
    assert report["rebuilt"].value is False and "| Belarus | GPE | 3 |" in report["preview"].value


def test_backfill_reprocesses_only_the_named_file(lake: Path, capsys: pytest.CaptureFixture[str]):
    name = "003_f70de470215bb835.txt"
    before = connect(lake).execute("SELECT count(*) FROM tokens").fetchone()
    assert main(["backfill", name, "--seeds", str(SEEDS), "--data", str(lake)]) == 0
    assert "3 seen, 1 processed, 2 unchanged" in capsys.readouterr().out
    assert connect(lake).execute("SELECT count(*) FROM tokens").fetchone() == before
