"""Finding and decoding the files of the seeds folder.

- `scan` lists the folder with stat calls only (no file is opened): hidden files and folders and
  unsupported extensions are skipped, symbolic links are followed only when their target lies
  inside the folder, and a name that is not valid UTF-8 gets a readable, unique `doc_id`.
- `shard_of` places a file in one of N shards by a stable hash of its relative path.
- `read_bytes` reads at most the size limit (gunzipping .gz files, with the same limit on what
  they inflate to) and never blocks on a file that is not a regular file.
- `decode` turns raw bytes into normalised text (BOMs, UTF-16 with or without a BOM, stray NUL
  bytes, cp1252 / Latin-1 and other legacy code pages, UTF-8 with stray cp1252 bytes, mojibake,
  control and zero-width characters, line endings), or says in words why the file is not text.
"""

import codecs
import hashlib
import os
import re
import stat
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import ftfy

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = tuple(s + z for s in TEXT_SUFFIXES + HTML_SUFFIXES for z in ("", ".gz"))
# Zero-width, bidirectional and other invisible format characters scrapers leave behind.
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# C0/C1 controls other than tab and newline: removed from the text.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Controls that text files do not contain (line and page breaks and C1 mojibake excepted).
BINARY_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
LINE_BREAKS = str.maketrans({"\r": "\n", "\v": "\n", "\f": "\n", "\u2028": "\n", "\u2029": "\n\n"})
REPLACEMENT = "\ufffd"
BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
MAX_CONTROL_SHARE = 0.01  # more control characters (or NUL bytes) than this is binary, not text
MIN_BINARY_CONTROLS = 8  # a handful of stray controls in a short file is dirt, not binary
MIN_UTF16_NUL_SHARE = 0.05  # UTF-16 text: a NUL in the high byte of every ASCII character
MAX_STRAY_BYTES = 2  # bytes that are not UTF-8 in a UTF-8 file, taken as cp1252 at any rate...
STRAY_SHARE = 0.1  # ...or up to this share of its non-ASCII characters
GZIP_MAGIC = b"\x1f\x8b"
GZIP_WBITS = 31  # zlib reads one gzip member, header and checksum included
UNICODE_GUESSES = ("utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le")
LATIN1_GUESSES = ("latin_1", "iso8859_1", "iso8859_15", "cp1252")
CP1252_STRAYS = "pipeline-cp1252-strays"  # codec error handler: a bad byte is a cp1252 character


@dataclass(frozen=True, slots=True)
class SeenFile:
    """A file of the folder as a stat call sees it."""

    doc_id: str  # path relative to the seeds folder, "/"-separated
    path: Path
    shard: int
    n_bytes: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


@dataclass(frozen=True, slots=True)
class NotText:
    reason: str


def shard_of(doc_id: str, n_shards: int) -> int:
    """A stable shard for a relative path: the same on every machine and Python version."""
    return zlib.crc32(doc_id.encode("utf-8")) % n_shards


def partition_key(shard: int) -> str:
    return f"{shard:02d}"


def file_format(doc_id: str) -> str:
    name = doc_id.lower().removesuffix(".gz")
    return "html" if name.endswith(HTML_SUFFIXES) else "text"


def printable_name(name: str) -> str:
    """A file name as valid Unicode: bytes that are not UTF-8 become `\\xe9` escapes, as `ls`
    shows them (Python hands them over as lone surrogates, which no table can store)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# --- scan -----------------------------------------------------------------------------------


def scan(seeds_dir: Path, n_shards: int) -> Iterator[SeenFile]:
    """Every supported file under the folder, by stat only, in a stable order: a folder's files
    by name, then its subfolders by name (dot-folders and linked folders are not entered)."""
    columns = scan_columns(seeds_dir, n_shards)
    rows = zip(*(columns[name] for name in SCAN_COLUMNS), strict=True)
    for doc_id, path, shard, n_bytes, mtime_ns in rows:
        yield SeenFile(doc_id, Path(path), shard, n_bytes, mtime_ns)


SCAN_COLUMNS = ("doc_id", "path", "shard", "n_bytes", "mtime_ns")


def scan_columns(seeds_dir: Path, n_shards: int) -> dict[str, list]:
    """What `scan` yields, as columns (doc_id, path as a string, shard, n_bytes, mtime_ns): a
    run plans from 100,000 files with one stat each and no object per file (2.8 s as
    SeenFile objects with Paths, ~1 s as columns)."""
    root = str(Path(seeds_dir).resolve())
    prefix = os.path.join(root, "")  # what every entry's path starts with, "/" at the top
    columns: dict[str, list] = {name: [] for name in SCAN_COLUMNS}
    seen: set[str] = set()
    for entry in _entries(root):
        found = _stat(root, prefix, entry)
        if found is None:
            continue
        doc_id, n_bytes, mtime_ns = found
        if doc_id in seen:
            continue
        seen.add(doc_id)
        columns["doc_id"].append(doc_id)
        columns["path"].append(entry.path)
        columns["shard"].append(shard_of(doc_id, n_shards))
        columns["n_bytes"].append(n_bytes)
        columns["mtime_ns"].append(mtime_ns)
    return columns


def _entries(folder: str) -> Iterator[os.DirEntry]:
    # os.scandir, not os.walk and pathlib: the entry knows whether it is a link without a
    # system call, and one stat per file is all that is left (8,900 files: 0.25-0.35 s ->
    # 0.15-0.17 s)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:  # unreadable or vanished: skipped, as os.walk does
        return
    folders = []
    for entry in entries:
        if _is_folder(entry):
            if not entry.name.startswith(".") and not entry.is_symlink():
                folders.append(entry.path)
        elif _supported_name(entry.name):
            yield entry
    for path in folders:
        yield from _entries(path)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _supported_name(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(SUPPORTED_SUFFIXES)


def _stat(root: str, prefix: str, entry: os.DirEntry) -> tuple[str, int, int] | None:
    """(doc_id, size, mtime in ns) of a regular file entry, else None."""
    try:
        if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(root):
            return None  # never follow a link out of the folder
        info = entry.stat()
    except (OSError, RuntimeError):  # vanished, dangling, or a symlink loop (RuntimeError < 3.13)
        return None
    if not stat.S_ISREG(info.st_mode):
        return None  # a folder, FIFO or device with a text extension
    relative = entry.path[len(prefix) :]
    if os.sep != "/":
        relative = relative.replace(os.sep, "/")
    doc_id = relative if relative.isascii() else printable_name(relative)
    return doc_id, info.st_size, info.st_mtime_ns


# --- read -----------------------------------------------------------------------------------


def read_bytes(path: Path, max_bytes: int) -> bytes | NotText:
    """The file's raw bytes (gunzipped for .gz), at most `max_bytes`, or why they cannot be had."""
    raw = _read_regular_file(path, max_bytes)
    if isinstance(raw, NotText) or not path.name.lower().endswith(".gz"):
        return raw
    return _gunzip(raw, max_bytes)


def _read_regular_file(path: Path, max_bytes: int) -> bytes | NotText:
    try:
        # O_NONBLOCK: a FIFO swapped in since the scan must not hang the run.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        return NotText(f"cannot read the file: {error.strerror or error}")
    with os.fdopen(fd, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return NotText("not a regular file (a FIFO or device), so it was not read")
            raw = handle.read(max_bytes + 1)
        except OSError as error:
            return NotText(f"cannot read the file: {error.strerror or error}")
    if len(raw) > max_bytes:
        return NotText(f"the file grew past the {max_bytes:,}-byte size limit (--max-bytes)")
    return raw


def _gunzip(raw: bytes, limit: int) -> bytes | NotText:
    """Inflate every gzip member (trailing junk ignored, as gzip does), at most `limit` bytes."""
    out = bytearray()
    rest = raw
    while True:
        inflater = zlib.decompressobj(GZIP_WBITS)
        try:
            out += inflater.decompress(rest, limit + 1 - len(out))
        except zlib.error as error:
            detail = str(error).rsplit(": ", 1)[-1]
            return NotText(f"the .gz file is damaged or is not gzip data ({detail})")
        if len(out) > limit:
            return NotText(
                f"the .gz file inflates to more than {limit:,} bytes, over the size limit "
                "(--max-bytes): too big for an article, or a zip bomb"
            )
        if not inflater.eof:
            return NotText("the .gz file is cut short: its compressed data ends too early")
        rest = inflater.unused_data
        if not rest.startswith(GZIP_MAGIC):
            return bytes(out)


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# --- decode ---------------------------------------------------------------------------------


def decode(raw: bytes) -> Decoded | NotText:
    """Bytes to clean Unicode text, or the reason a person would give for not reading it."""
    if not raw.strip():
        return NotText("the file is empty or only white space")
    found = _decode_bytes(raw)
    if isinstance(found, NotText):
        return found
    text, encoding = found
    controls = len(BINARY_CONTROL.findall(text))
    if controls >= MIN_BINARY_CONTROLS and controls > MAX_CONTROL_SHARE * len(text):
        return NotText(f"binary content: {controls:,} control characters, not text")
    text = normalise(text)
    if not text.strip():
        return NotText("no visible text: only white space and invisible characters")
    return Decoded(text, encoding)


def _decode_bytes(raw: bytes) -> tuple[str, str] | NotText:
    for bom, codec in BOMS:
        if raw.startswith(bom):
            return _decode_with_bom(raw, bom, codec)
    if b"\x00" in raw:
        utf16 = _utf16_without_bom(raw)
        if utf16 is not None:
            return utf16
        raw = _drop_stray_nuls(raw)
        if isinstance(raw, NotText):
            return raw
    return _decode_8bit(raw)


def _decode_with_bom(raw: bytes, bom: bytes, codec: str) -> tuple[str, str] | NotText:
    if codec == "utf-8":
        return _decode_8bit(raw[len(bom) :])
    text = _lenient(raw, codec)  # the codec reads the BOM for the byte order
    if text is None:
        return NotText(f"starts with a {codec} byte-order mark but is not {codec} text")
    return text, codec


def _lenient(raw: bytes, codec: str) -> str | None:
    """Decode, tolerating a few broken units (a truncated last character); None if many."""
    width = 4 if codec.startswith("utf-32") else 2
    raw = raw[: len(raw) - len(raw) % width]
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        text = raw.decode(codec, errors="replace")
    return text if text.count(REPLACEMENT) <= MAX_CONTROL_SHARE * len(text) else None


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a BOM has NULs in the high byte of ASCII characters and (nearly)
    none in the low byte; binary files have them in both."""
    even, odd = raw[0::2], raw[1::2]
    for codec, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        nul_high, nul_low = high.count(0), low.count(0)
        if nul_high >= MIN_UTF16_NUL_SHARE * len(high) and nul_low * 4 <= nul_high:
            text = _lenient(raw, codec)
            if text is not None:
                return text, codec
    return None


def _drop_stray_nuls(raw: bytes) -> bytes | NotText:
    """NUL padding at either end and a few NULs inside are dirt; many NULs make a binary file."""
    inner = raw.strip(b"\x00")
    if not inner.strip():
        return NotText("no text: the file holds only NUL bytes and white space")
    if inner.count(0) > MAX_CONTROL_SHARE * len(inner):
        return NotText("binary file: it contains NUL bytes and is not UTF-16 text")
    return inner.replace(b"\x00", b"")


def _decode_8bit(raw: bytes) -> tuple[str, str]:
    """UTF-8; else UTF-8 with a few stray cp1252 bytes; else the guessed code page."""
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(raw):
        return raw.decode("utf-8", errors=CP1252_STRAYS), "utf-8+cp1252"
    guessed = _guess_code_page(raw)
    if guessed is not None:
        return guessed
    return raw.decode("cp1252", errors=CP1252_STRAYS), "cp1252"


def _mostly_utf8(raw: bytes) -> bool:
    """UTF-8 with a few bytes of another encoding pasted in (a common scraping accident)."""
    text = raw.decode("utf-8", errors="replace")
    stray = text.count(REPLACEMENT) - raw.count(REPLACEMENT.encode())
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - stray
    return non_ascii > 0 and stray <= max(MAX_STRAY_BYTES, STRAY_SHARE * non_ascii)


def _guess_code_page(raw: bytes) -> tuple[str, str] | None:
    """charset_normalizer's guess, except that cp1252 wins whenever it reads the bytes as
    cleanly: on short Western text the guesser's tie-break picks cp1250 or hp_roman8 and turns
    "São" into "Săo". (A cp1250 Czech file that reads cleanly in cp1252 loses its háčeks; in a
    corpus for an English model, Western text is the likelier one.)"""
    matches = charset_normalizer.from_bytes(raw)
    best = matches.best()
    if best is None or best.encoding in UNICODE_GUESSES:
        return None
    as_clean = {m.encoding for m in matches if m.chaos <= best.chaos}
    as_clean |= {best.encoding, *best.could_be_from_charset}
    if as_clean & set(LATIN1_GUESSES):
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return str(best), best.encoding


def _cp1252_byte(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # the five bytes cp1252 leaves undefined: their Latin-1 control


def _stray_bytes_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_cp1252_byte(b) for b in bad), error.end


codecs.register_error(CP1252_STRAYS, _stray_bytes_as_cp1252)


def normalise(text: str) -> str:
    """Mojibake repaired, NFC, "\\n" line endings, no invisible or control characters."""
    text = text.replace("\r\n", "\n").translate(LINE_BREAKS)
    if not text.isascii():  # pure ASCII cannot hold mojibake: skip ftfy's passes
        text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=False, normalization="NFC")
    text = INVISIBLE.sub("", text)
    text = CONTROL.sub("", text.replace("\t", " "))
    return unicodedata.normalize("NFC", text)
