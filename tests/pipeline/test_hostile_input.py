"""One `corpus run` over a folder of every kind of broken, odd and hostile file (generated here,
never committed): the run succeeds, every good file is `ok` with its text intact, every bad one
is `rejected` with a reason a person understands, skipped files leave no row at all, and the
non-English document is recorded with its language but gets no annotation."""

import codecs
import gzip
import os
import random
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.lake import connect

pytestmark = pytest.mark.slow

CORPUS = str(Path(sys.executable).with_name("corpus"))
RUN_TIMEOUT = 240
TITLE = "Council approves new budget"
PARAGRAPHS = (
    "The city council approved the new budget on Tuesday after a long debate, and Mayor "
    "Anna Schmidt called it “a fair deal for every family in Springfield”.",
    "Opposition members said the plan — worth €40 million — would raise local taxes, while "
    "the café owners’ association in the old town welcomed the naïve optimism of the council.",
    "The Ministry of Transport in London said it would review the rail project before the end "
    "of the year, according to a statement published on Wednesday.",
)
ARTICLE = TITLE + "\n\n" + "\n\n".join(PARAGRAPHS) + "\n"
GERMAN_SENTENCE = (
    "Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen, "
    "und die Opposition kritisierte, dass der Plan die Steuern erhöhen werde. "
)
GERMAN = "Stadtrat beschließt neuen Haushalt\n\n" + GERMAN_SENTENCE * 4 + "\n"
LATIN1 = "Zürich council meets\n\n" + 3 * (
    "The council of Zürich met in the café on the Limmatquai, where Müller and Ærø "
    "residents argued about the señor's plan for a naïve façade. "
)
HTML = (
    "<html><head><title>Harbour plan approved</title></head><body><nav>Home | News</nav>"
    "<article><h1>Harbour plan approved</h1>"
    "<p>The port authority approved the harbour expansion on Monday after months of talks "
    "with fishermen and local residents, who had feared the loss of their moorings.</p>"
    "<p>Work is due to start in the spring, the authority said in a statement, and should be "
    "finished within three years at a cost of about 120 million dollars.</p>"
    "</article><footer>© 2024 Harbour News</footer></body></html>"
)
BIG_BYTES = 20_000_000
LONG_LINE_CHARS = 500_000
OVER_LIMIT_CHARS = 5_200_000  # over the default --max-bytes of 5,000,000
RAISED_LIMIT = 8_000_000


def double_encoded(text: str) -> bytes:
    """Mojibake: UTF-8 bytes read as cp1252 (as Windows does: the five bytes cp1252 leaves
    undefined become C1 controls) and saved again as UTF-8."""
    as_cp1252 = "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode()
    )
    return as_cp1252.encode("utf-8")


def with_controls(text: str) -> bytes:
    dirty = text.replace("city", "ci\u200bty").replace("budget", "bud\x07get\u00ad")
    return dirty.replace("Tuesday", "\u2066Tuesday\u2069\x1b").encode()


def with_nuls(text: str) -> bytes:
    raw = text.encode()
    return raw[:40] + b"\x00" + raw[40:] + b"\x00" * 64


GOOD_SAME_TEXT: dict[str, Callable[[], bytes]] = {
    # The same article under every encoding and dirt: all must give the very same text.
    "good.txt": lambda: ARTICLE.encode(),
    "crlf_bom.txt": lambda: codecs.BOM_UTF8 + ARTICLE.replace("\n", "\r\n").encode(),
    "utf16_bom.txt": lambda: ARTICLE.encode("utf-16"),
    "utf16_no_bom.txt": lambda: ARTICLE.encode("utf-16-le"),
    "cp1252.txt": lambda: ARTICLE.encode("cp1252"),
    "mojibake.txt": lambda: double_encoded(ARTICLE),
    "controls.txt": lambda: with_controls(ARTICLE),
    "nul_bytes.txt": lambda: with_nuls(ARTICLE),
    "nested/deeper/article.txt": lambda: ARTICLE.encode(),
    "name with spaces – ünïcode 新闻.txt": lambda: ARTICLE.encode(),
    "article.txt.gz": lambda: gzip.compress(ARTICLE.encode()),
}
UNDECODABLE_NAME = b"caf\xe9.txt"  # a Latin-1 file name, not valid UTF-8
UNDECODABLE_ID = "caf\\xe9.txt"
REJECTED: dict[str, tuple[Callable[[], bytes], str]] = {
    # file -> (content, words the reason must contain)
    "empty.txt": (lambda: b"", "empty or only white space"),
    "whitespace.txt": (lambda: b" \n\t\r\n   \n", "empty or only white space"),
    "zero_width.txt": (lambda: "\u200b\u200b\n\u2060\n".encode(), "no visible text"),
    "binary.txt": (
        lambda: b"\x89PNG\r\n\x1a\n" + random.Random(5).randbytes(4000),
        "binary",
    ),
    "only_nuls.txt": (lambda: b"\x00" * 1000, "only NUL bytes"),
    "boilerplate.txt": (
        lambda: b"Share on Facebook\nSubscribe to our newsletter\nWe use cookies\n",
        "no article text left after cleaning",
    ),
    "big.txt": (lambda: b"", "over the 5,000,000-byte size limit"),  # written sparse below
    "over_limit.txt": (lambda: long_line(OVER_LIMIT_CHARS).encode(), "5,000,000-byte size limit"),
    "damaged.txt.gz": (lambda: gzip.compress(ARTICLE.encode() * 5)[:-40], "cut short"),
    "not_gzip.html.gz": (lambda: b"plain text pretending to be gzip", "not gzip"),
    "bomb.txt.gz": (lambda: gzip.compress(b"\x00" * 60_000_000), "zip bomb"),
}
SKIPPED = (
    ".hidden.txt",
    ".hidden_dir/article.txt",
    "notes.md",
    "photo.jpg",
    "table.csv",
    "archive.gz",
    "link_outside.txt",
    "link_outside_dir/secret.txt",
    "dangling.txt",
    "loop.txt",
    "fifo.txt",
    "folder.txt",
)


def make_seeds(root: Path, outside: Path) -> None:
    for name, content in GOOD_SAME_TEXT.items():
        write(root / name, content())
    for name, (content, _) in REJECTED.items():
        write(root / name, content())
    with open(root / "big.txt", "r+b") as handle:  # 20 MB without writing 20 MB
        handle.truncate(BIG_BYTES)
    write(root / "german.txt", GERMAN.encode())
    write(root / "latin1.txt", LATIN1.encode("latin-1"))
    write(root / "long_line.txt", long_line(LONG_LINE_CHARS).encode())
    write(root / "page.html", HTML.encode())
    write(root / "page.html.gz", gzip.compress(HTML.encode()))
    Path(os.fsdecode(os.fsencode(root) + b"/" + UNDECODABLE_NAME)).write_bytes(ARTICLE.encode())
    make_skipped(root, outside)


def make_skipped(root: Path, outside: Path) -> None:
    for name in (".hidden.txt", ".hidden_dir/article.txt", "notes.md", "photo.jpg", "table.csv"):
        write(root / name, ARTICLE.encode())
    write(root / "archive.gz", gzip.compress(ARTICLE.encode()))
    write(outside / "secret.txt", b"A secret file outside the seeds folder must never be read.")
    (root / "link_outside.txt").symlink_to(outside / "secret.txt")
    (root / "link_outside_dir").symlink_to(outside, target_is_directory=True)
    (root / "link_inside.txt").symlink_to(root / "good.txt")
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    os.mkfifo(root / "fifo.txt")
    (root / "folder.txt").mkdir()


def long_line(chars: int) -> str:
    """One line with no newline at all. German, so the English model does not spend minutes
    annotating it (some 40 s for 500 KB): the point is reading and cleaning it."""
    line = GERMAN_SENTENCE * (chars // len(GERMAN_SENTENCE) + 1)
    return line.rstrip()


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def run_corpus(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    home = tmp / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    env.pop("CORPUS_BATCH_DOCS", None)
    process = subprocess.Popen(
        [CORPUS, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, killed whole below
    )
    try:
        out, err = process.communicate(timeout=RUN_TIMEOUT)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("hostile")
    seeds, data = tmp / "seeds", tmp / "data"
    make_seeds(seeds, tmp / "outside")
    return tmp, seeds, data


@pytest.fixture(scope="module")
def lake(folders: tuple[Path, Path, Path]) -> Iterator[Path]:
    tmp, seeds, data = folders
    result = run_corpus(tmp, "run", "--seeds", str(seeds), "--data", str(data))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    yield data


def rows(data: Path, sql: str, *params: object) -> list[tuple]:
    with connect(data) as con:
        return con.execute(sql, list(params)).fetchall()


def documents(data: Path) -> dict[str, dict]:
    with connect(data) as con:
        frame = con.execute("SELECT * FROM documents").fetch_arrow_table().to_pylist()
    return {row["doc_id"]: row for row in frame}


def expected_text() -> str:
    return "\n\n".join(PARAGRAPHS)


def test_every_good_variant_is_ok_with_the_same_text(lake: Path) -> None:
    docs = documents(lake)
    reference = docs["good.txt"]
    assert reference["status"] == "ok" and reference["title"] == TITLE
    assert reference["text"].strip() == expected_text()
    for name in [*GOOD_SAME_TEXT, "link_inside.txt", UNDECODABLE_ID]:
        doc = docs[name]
        assert (doc["status"], doc["reject_reason"]) == ("ok", None), name
        assert doc["text"] == reference["text"], name
        assert doc["language"] == "en" and doc["title"] == TITLE, name


def test_encodings_are_recorded(lake: Path) -> None:
    docs = documents(lake)
    assert docs["good.txt"]["encoding"] == "utf-8"
    assert docs["utf16_bom.txt"]["encoding"] == "utf-16"
    assert docs["utf16_no_bom.txt"]["encoding"] == "utf-16-le"
    assert docs["cp1252.txt"]["encoding"] == "cp1252"
    assert docs["latin1.txt"]["encoding"] == "cp1252"


def test_latin1_keeps_its_accents(lake: Path) -> None:
    doc = documents(lake)["latin1.txt"]
    assert doc["status"] == "ok" and doc["title"] == "Zürich council meets"
    for word in ("Zürich", "café", "Müller", "Ærø", "señor", "naïve façade"):
        assert word in doc["text"]


def test_html_and_gzipped_html_are_extracted(lake: Path) -> None:
    docs = documents(lake)
    for name in ("page.html", "page.html.gz"):
        doc = docs[name]
        assert doc["status"] == "ok" and doc["format"] == "html", name
        assert doc["title"] == "Harbour plan approved"
        assert "approved the harbour expansion on Monday" in doc["text"]
        assert "Home | News" not in doc["text"] and "©" not in doc["text"]


def test_the_500_kb_line_is_kept_whole(lake: Path) -> None:
    doc = documents(lake)["long_line.txt"]
    assert doc["status"] == "ok" and doc["language"] == "de"
    assert "\n" not in doc["text"].strip()
    assert doc["n_chars_raw"] >= LONG_LINE_CHARS
    assert doc["n_chars_clean"] >= 0.99 * LONG_LINE_CHARS


def test_non_english_is_recorded_and_not_annotated(lake: Path) -> None:
    doc = documents(lake)["german.txt"]
    assert doc["status"] == "ok" and doc["language"] == "de"
    assert GERMAN_SENTENCE.strip() in doc["text"]
    for table in ("tokens", "sentences", "entities"):
        query = f"SELECT count(*) FROM {table} WHERE doc_id IN ('german.txt', 'long_line.txt')"
        assert rows(lake, query) == [(0,)], table


def test_english_documents_are_annotated(lake: Path) -> None:
    entities = {r[0] for r in rows(lake, "SELECT text FROM entities WHERE doc_id = 'good.txt'")}
    assert {"Anna Schmidt", "Springfield", "London"} <= entities
    per_doc = dict(rows(lake, "SELECT doc_id, count(*) FROM tokens GROUP BY doc_id"))
    counts = {per_doc.get(name, 0) for name in [*GOOD_SAME_TEXT, "link_inside.txt"]}
    assert len(counts) == 1 and counts.pop() > 50  # same text, same tokens, for every variant


def test_bad_files_are_rejected_with_a_readable_reason(lake: Path) -> None:
    docs = documents(lake)
    for name, (_, words) in REJECTED.items():
        doc = docs[name]
        reason = doc["reject_reason"] or ""
        assert doc["status"] == "rejected", name
        assert words in reason, (name, reason)
        assert len(reason.split()) >= 4 and "\n" not in reason and "Error" not in reason
        assert doc["text"] == "" and doc["language"] is None


def test_skipped_files_leave_no_row(lake: Path) -> None:
    ids = {r[0] for t in ("documents", "files") for r in rows(lake, f"SELECT doc_id FROM {t}")}
    for name in SKIPPED:
        assert name not in ids, name
    assert not any("secret" in i or i.startswith(".") or "/." in i for i in ids)
    texts = " ".join(r[0] for r in rows(lake, "SELECT text FROM documents"))
    assert "must never be read" not in texts


def test_exactly_the_expected_files_have_rows(lake: Path) -> None:
    expected = {
        *GOOD_SAME_TEXT,
        *REJECTED,
        "german.txt",
        "latin1.txt",
        "long_line.txt",
        "page.html",
        "page.html.gz",
        "link_inside.txt",
        UNDECODABLE_ID,
    }
    assert set(documents(lake)) == expected
    assert {r[0] for r in rows(lake, "SELECT doc_id FROM files")} == expected


def test_files_and_documents_agree(lake: Path) -> None:
    disagree = Path(__file__).parents[2] / "sql" / "checks" / "files_documents_disagree.sql"
    with connect(lake) as con:  # every document: $since NULL
        assert con.execute(disagree.read_text(), {"since": None}).fetchall() == []
    assert rows(lake, "SELECT count(*) - count(DISTINCT doc_id) FROM documents") == [(0,)]
    statuses = dict(rows(lake, "SELECT status, count(*) FROM files GROUP BY status"))
    assert statuses == {"ok": len(GOOD_SAME_TEXT) + 7, "rejected": len(REJECTED)}


# Last: this test runs the pipeline again on the same lake.
def test_raising_the_size_limit_lets_a_big_file_through(
    lake: Path, folders: tuple[Path, Path, Path]
) -> None:
    before = documents(lake)
    assert before["over_limit.txt"]["status"] == "rejected"
    tmp, seeds, _ = folders
    args = ("run", "--seeds", str(seeds), "--data", str(lake), "--max-bytes", str(RAISED_LIMIT))
    result = run_corpus(tmp, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    after = documents(lake)
    doc = after["over_limit.txt"]
    assert (doc["status"], doc["language"], doc["reject_reason"]) == ("ok", "de", None)
    assert doc["n_chars_clean"] >= OVER_LIMIT_CHARS - len(GERMAN_SENTENCE)
    assert "byte size limit" in after["big.txt"]["reject_reason"]  # 20 MB: still too big
    # The gzip bomb is read again under the new limit: still rejected, its reason names the limit.
    assert "inflates to more than" in after["bomb.txt.gz"]["reject_reason"]
    limited = ("over_limit.txt", "big.txt", "bomb.txt.gz")
    unchanged = {name for name in before if name not in limited}
    assert {n: after[n] for n in unchanged} == {n: before[n] for n in unchanged}
