"""decode(), read_bytes(), scan() and prepare() on every kind of hostile input, from inline bytes
and tmp folders (no model, no lake)."""

import codecs
import gzip
import os
import random
from pathlib import Path

import pytest

from pipeline.stages import document as prepare_module
from pipeline.stages.document import WorkItem, detect_language, prepare
from pipeline.stages.ingest import Decoded, NotText, decode, read_bytes, scan, shard_of

ARTICLE = (
    "Council approves new budget\n\n"
    "The city council approved the new budget on Tuesday after a long debate in the chamber. "
    "Opposition members said the plan would raise local taxes for most families in the city.\n\n"
    "The mayor said the city had to invest in schools and roads, and promised to watch "
    "spending closely over the coming year.\n"
)
BODY = "The city council approved the new budget on Tuesday after a long debate in the chamber."
GERMAN = (
    "Stadtrat beschließt neuen Haushalt\n\n"
    "Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen. "
    "Die Opposition kritisierte, dass der Plan die Steuern für die meisten Familien erhöhen "
    "werde.\n\nDer Bürgermeister sagte, die Stadt müsse in Schulen und Straßen investieren.\n"
)
RUSSIAN = "Городской совет во вторник после долгих дебатов утвердил новый бюджет. " * 3
WESTERN = "Le café de São Paulo — naïve résumé, “quoted” for 5 €. Müller sagte, die Straße. "
MAX_BYTES = 5_000_000


def text_of(raw: bytes) -> str:
    decoded = decode(raw)
    assert isinstance(decoded, Decoded), decoded
    return decoded.text


def reason_of(raw: bytes) -> str:
    decoded = decode(raw)
    assert isinstance(decoded, NotText), decoded
    assert_readable(decoded.reason)
    return decoded.reason


def assert_readable(reason: str) -> None:
    """A sentence a person can act on: words, one line, no exception dump."""
    assert reason and "\n" not in reason and len(reason) <= 400
    assert len(reason.split()) >= 4, reason
    assert "Traceback" not in reason and "Error" not in reason, reason


# --- decode: what is not text ---------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"   ", b" \n\t\r\n  \n", b"\r\n" * 100])
def test_empty_and_white_space_files_are_rejected(raw: bytes) -> None:
    assert "empty or only white space" in reason_of(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "\u200b\u200b\n\u2060\ufeff  \n".encode(),
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF8 + b"  \n",
        " \u00a0\u200d ".encode("utf-16"),
    ],
)
def test_invisible_only_files_are_rejected(raw: bytes) -> None:
    assert "no visible text" in reason_of(raw)


def test_only_nul_bytes_is_rejected() -> None:
    assert "only NUL bytes" in reason_of(b"\x00" * 500)


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(3000),
        b"%PDF-1.7\n" + random.Random(2).randbytes(5000),
        bytes(b for b in random.Random(3).randbytes(5000) if b),  # binary without any NUL
        gzip.compress(ARTICLE.encode() * 20),  # gzip data in a file named .txt
        b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 20,
    ],
    ids=["png", "pdf", "random-no-nul", "gzip-as-txt", "elf"],
)
def test_binary_files_with_a_text_extension_are_rejected(raw: bytes) -> None:
    assert "binary" in reason_of(raw)


def test_mostly_nul_file_is_binary() -> None:
    raw = b"".join(b"\x00\x00\x01\x00" + word.encode() for word in ARTICLE.split())
    assert "NUL bytes" in reason_of(raw)


# --- decode: what is text, however dirty -----------------------------------------------------


def test_plain_utf8_is_kept_as_is() -> None:
    decoded = decode(ARTICLE.encode())
    assert decoded == Decoded(ARTICLE, "utf-8")


def test_stray_and_padding_nul_bytes_are_dropped() -> None:
    raw = ARTICLE.encode()
    dirty = b"\x00" * 3 + raw[:50] + b"\x00" + raw[50:] + b"\x00" * 4000
    assert text_of(dirty) == ARTICLE


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("text", [ARTICLE, RUSSIAN, WESTERN], ids=["en", "ru", "western"])
def test_utf16_and_utf32_with_and_without_bom(codec: str, text: str) -> None:
    # "utf-16" and "utf-32" write a BOM; "utf-16-le" and "utf-16-be" do not.
    assert decode(text.encode(codec)) == Decoded(text, codec)


def test_utf16_cut_after_an_odd_byte_keeps_its_text() -> None:
    raw = ARTICLE.encode("utf-16") + b"x"
    assert text_of(raw) == ARTICLE


def test_utf8_bom_is_removed() -> None:
    assert decode(codecs.BOM_UTF8 + ARTICLE.encode()) == Decoded(ARTICLE, "utf-8")


def test_cp1252_is_not_mistaken_for_cp1250() -> None:
    assert decode(WESTERN.encode("cp1252")) == Decoded(WESTERN, "cp1252")  # not "Săo", "naďve"


def test_latin1_is_read_as_cp1252() -> None:
    text = "Le café de São Paulo, naïve résumé. Müller sagte, die Straße sei zu. " * 2
    assert decode(text.encode("latin-1")) == Decoded(text, "cp1252")


def test_short_latin1_text_keeps_its_accents() -> None:
    assert text_of("Müller sagte, die Straße sei geschlossen.".encode("latin-1")) == (
        "Müller sagte, die Straße sei geschlossen."
    )


def test_utf8_with_a_stray_cp1252_byte_keeps_both() -> None:
    raw = ("Der Bürgermeister sagte: „Wir müssen handeln.“ " * 3).encode() + b"Caf\xe9 am Markt."
    decoded = decode(raw)
    assert isinstance(decoded, Decoded) and decoded.encoding == "utf-8+cp1252"
    assert decoded.text.endswith("Bürgermeister sagte: „Wir müssen handeln.“ Café am Markt.")


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_cyrillic_code_pages_are_recognised(codec: str) -> None:
    assert text_of(RUSSIAN.encode(codec)) == RUSSIAN


def test_mojibake_is_repaired() -> None:
    raw = "It’s a café — naïve.".encode().decode("latin-1").encode()  # double-encoded
    assert text_of(raw) == "It’s a café — naïve."
    assert text_of("Itâ€™s a cafÃ© â€” naÃ¯ve.".encode()) == "It’s a café — naïve."


def test_crlf_and_cr_line_endings_become_newlines() -> None:
    crlf = "Short line.\r\nAnother one.\r\n" * 50  # many short lines: not binary
    assert text_of(crlf.encode()) == "Short line.\nAnother one.\n" * 50
    assert text_of(b"one\rtwo\r") == "one\ntwo\n"
    assert text_of("one\u2028two\u2029three".encode()) == "one\ntwo\n\nthree"


def test_control_and_zero_width_characters_are_removed() -> None:
    raw = "Bud\u200bget\u00ad ap\x07proved\u200e by the \u202ecity\u2066 coun\x1bcil.\ftwo".encode()
    assert text_of(raw) == "Budget approved by the city council.\ntwo"


def test_tabs_become_spaces_and_text_is_nfc() -> None:
    assert text_of("Cafe\u0301\tbar".encode()) == "Café bar"


def test_one_long_line_without_newline_is_text() -> None:
    line = (BODY + " ") * 5700  # about 500 KB, no newline anywhere
    assert len(line) > 500_000
    assert text_of(line.encode()) == line


# --- read_bytes: size limit and .gz -----------------------------------------------------------


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


def test_gzipped_text_is_inflated(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt.gz", gzip.compress(ARTICLE.encode()))
    assert read_bytes(path, MAX_BYTES) == ARTICLE.encode()


def test_gzip_with_several_members_and_trailing_zeros_is_read(tmp_path: Path) -> None:
    half = len(ARTICLE) // 2
    parts = gzip.compress(ARTICLE[:half].encode()) + gzip.compress(ARTICLE[half:].encode())
    path = write(tmp_path / "a.html.gz", parts + b"\x00" * 512)
    assert read_bytes(path, MAX_BYTES) == ARTICLE.encode()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (gzip.compress(ARTICLE.encode())[:-20], "cut short"),
        (gzip.compress(ARTICLE.encode())[:30] + b"garbage" * 10, "damaged"),
        (b"this was never gzip " * 10, "not gzip"),
        (b"", "cut short"),
    ],
    ids=["truncated", "corrupted", "not-gzip", "empty"],
)
def test_damaged_gzip_is_rejected_with_a_reason(tmp_path: Path, data: bytes, words: str) -> None:
    found = read_bytes(write(tmp_path / "bad.txt.gz", data), MAX_BYTES)
    assert isinstance(found, NotText) and words in found.reason
    assert_readable(found.reason)


def test_gzip_bomb_stops_at_the_size_limit(tmp_path: Path) -> None:
    bomb = gzip.compress(b"\x00" * 50_000_000, compresslevel=9)  # 50 KB that inflate to 50 MB
    assert len(bomb) < 100_000
    found = read_bytes(write(tmp_path / "bomb.txt.gz", bomb), MAX_BYTES)
    assert isinstance(found, NotText)
    assert "inflates to more than 5,000,000 bytes" in found.reason and "zip bomb" in found.reason


def test_a_file_that_grew_past_the_limit_is_not_read_whole(tmp_path: Path) -> None:
    found = read_bytes(write(tmp_path / "big.txt", b"x" * 2_000), 1_000)
    assert isinstance(found, NotText) and "1,000-byte size limit" in found.reason


def test_a_fifo_is_never_opened_for_a_blocking_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    found = read_bytes(fifo, MAX_BYTES)
    assert isinstance(found, NotText) and "not a regular file" in found.reason


def test_a_vanished_file_gives_a_reason(tmp_path: Path) -> None:
    found = read_bytes(tmp_path / "gone.txt", MAX_BYTES)
    assert isinstance(found, NotText) and found.reason.startswith("cannot read the file")


# --- scan ------------------------------------------------------------------------------------


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    outside = write(tmp_path / "outside" / "secret.txt", "outside the seeds folder")
    write(root / "a.txt", ARTICLE)
    write(root / "with space & ünïcode — é.txt", ARTICLE)
    write(root / "nested" / "deeper" / "b.html", "<p>x</p>")
    write(root / "UPPER.TXT", ARTICLE)
    write(root / "c.txt.gz", gzip.compress(b"x"))
    write(root / "d.htm.gz", gzip.compress(b"x"))
    write(root / "e.text", ARTICLE)
    for skipped in (".hidden.txt", ".git/config.txt", "notes.md", "image.jpg", "data.gz", "f.pdf"):
        write(root / skipped, "skipped")
    (root / "folder.txt").mkdir()
    os.mkfifo(root / "fifo.txt")
    (root / "inside_link.txt").symlink_to("a.txt")
    (root / "outside_link.txt").symlink_to(outside)
    (root / "outside_dir").symlink_to(outside.parent, target_is_directory=True)
    (root / "inside_dir").symlink_to(root / "nested", target_is_directory=True)
    (root / "dangling.txt").symlink_to(root / "nothing.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "escape.txt").symlink_to(Path("..") / "outside" / "secret.txt")
    os.makedirs(root / "undecodable", exist_ok=True)
    Path(os.fsdecode(os.fsencode(root / "undecodable") + b"/caf\xe9.txt")).write_bytes(b"latin-1")
    return root


def test_scan_lists_supported_regular_files_only(seeds: Path) -> None:
    found = {f.doc_id for f in scan(seeds, 16)}
    assert found == {
        "a.txt",
        "with space & ünïcode — é.txt",
        "nested/deeper/b.html",
        "UPPER.TXT",
        "c.txt.gz",
        "d.htm.gz",
        "e.text",
        "inside_link.txt",
        "undecodable/caf\\xe9.txt",
    }


def test_scan_never_follows_a_link_out_of_the_folder(seeds: Path) -> None:
    paths = [f.path.resolve() for f in scan(seeds, 16)]
    assert all(p.is_relative_to(seeds.resolve()) for p in paths)


def test_scan_gives_stat_and_a_stable_shard(seeds: Path) -> None:
    files = {f.doc_id: f for f in scan(seeds, 16)}
    a = files["a.txt"]
    assert a.n_bytes == len(ARTICLE.encode()) and a.mtime_ns == a.path.stat().st_mtime_ns
    assert a.shard == shard_of("a.txt", 16) == shard_of("a.txt", 16)
    assert [f.doc_id for f in scan(seeds, 16)] == [f.doc_id for f in scan(seeds, 16)]


def test_undecodable_name_is_readable_and_the_file_still_opens(seeds: Path) -> None:
    (found,) = [f for f in scan(seeds, 16) if f.doc_id.startswith("undecodable/")]
    found.doc_id.encode("utf-8")  # storable
    assert read_bytes(found.path, MAX_BYTES) == b"latin-1"


# --- prepare: a file to a documents row ------------------------------------------------------


def item_for(path: Path, doc_id: str | None = None) -> WorkItem:
    info = path.stat()
    doc_id = doc_id or path.name
    return WorkItem(doc_id, str(path), 0, info.st_size, info.st_mtime_ns, None, None, False)


def test_good_file_is_ok_with_its_text(tmp_path: Path) -> None:
    prepared = prepare(item_for(write(tmp_path / "a.txt", ARTICLE)), max_bytes=MAX_BYTES)
    document = prepared.document
    assert document["status"] == "ok" and document["language"] == "en"
    assert document["title"] == "Council approves new budget"
    assert BODY in str(document["text"]) and prepared.annotate


def test_over_the_size_limit_is_rejected_and_a_higher_limit_takes_it(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", ARTICLE * 20)
    small = prepare(item_for(path), max_bytes=1_000).document
    assert small["status"] == "rejected" and small["content_sha256"] == ""
    assert "over the 1,000-byte size limit" in str(small["reject_reason"])
    assert "--max-bytes" in str(small["reject_reason"])
    assert prepare(item_for(path), max_bytes=100_000).document["status"] == "ok"


def test_non_english_is_recorded_with_its_language_and_not_annotated(tmp_path: Path) -> None:
    prepared = prepare(item_for(write(tmp_path / "de.txt", GERMAN)), max_bytes=MAX_BYTES)
    assert prepared.document["status"] == "ok" and prepared.document["language"] == "de"
    assert "Stadtrat hat am Dienstag" in str(prepared.document["text"])
    assert not prepared.annotate


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le conseil municipal a approuvé mardi le nouveau budget après un long débat.", "fr"),
        ("Городской совет во вторник утвердил новый бюджет.", "ru"),
        ("The council approved the new budget on Tuesday after a long debate.", "en"),
        ("Kyiv, Monday.", "und"),
        # the function-word shortcut must not take these for English (it leaves them to the model)
        (
            "De gemeenteraad heeft dinsdag na een lang debat de nieuwe begroting aangenomen. De "
            "stad wil in scholen en wegen investeren, zei de burgemeester, en het was een lange "
            "vergadering in de oude hal.",
            "nl",
        ),
        (
            "El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate. La "
            "ciudad va a invertir en escuelas y calles, dijo el alcalde.",
            "es",
        ),
        # ...and English with few function words (a headline list) still reaches the model
        (
            "Shares slumped worldwide yesterday; investors fear recession, analysts warn, citing "
            "weak factory data.",
            "en",
        ),
    ],
)
def test_language_of_short_texts(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_boilerplate_only_file_is_rejected_saying_which_rules(tmp_path: Path) -> None:
    lines = (
        "Share on Facebook\nSubscribe to our newsletter\nRead more: other news\nWe use cookies\n"
    )
    document = prepare(item_for(write(tmp_path / "b.txt", lines)), max_bytes=MAX_BYTES).document
    reason = str(document["reject_reason"])
    assert document["status"] == "rejected" and reason.startswith("no article text left")
    assert "newsletter" in reason and "cookie_notice" in reason
    assert_readable(reason)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + random.Random(4).randbytes(2000), "binary"),
        (gzip.compress(b"x" * 10)[:-3], "cut short"),
    ],
)
def test_bad_files_are_rejected_rows(tmp_path: Path, data: bytes, words: str) -> None:
    name = "bad.txt.gz" if words == "cut short" else "bad.txt"
    document = prepare(item_for(write(tmp_path / name, data)), max_bytes=MAX_BYTES).document
    assert document["status"] == "rejected" and words in str(document["reject_reason"])
    assert document["text"] == "" and document["language"] is None


def test_a_crash_in_extraction_becomes_a_rejected_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded\nwhile parsing")

    monkeypatch.setattr(prepare_module, "_clean", explode)
    document = prepare(item_for(write(tmp_path / "a.txt", ARTICLE)), max_bytes=MAX_BYTES).document
    assert document["status"] == "rejected"
    assert document["reject_reason"] == (
        "the text could not be extracted "
        "(RecursionError: maximum recursion depth exceeded while parsing)"
    )


def test_deeply_nested_html_does_not_crash(tmp_path: Path) -> None:
    html = "<html><body>" + "<div>" * 50_000 + f"<p>{BODY}</p>" + "</div>" * 50_000
    document = prepare(item_for(write(tmp_path / "deep.html", html)), max_bytes=MAX_BYTES).document
    assert document["status"] == "ok" or document["reject_reason"]


def test_undecodable_path_is_stored_printable(tmp_path: Path) -> None:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.txt"))
    path.write_bytes(ARTICLE.encode())
    document = prepare(item_for(path, "caf\\xe9.txt"), max_bytes=MAX_BYTES).document
    assert document["status"] == "ok"
    assert str(document["path"]).endswith("caf\\xe9.txt")
    str(document["path"]).encode("utf-8")  # storable: no lone surrogates
