"""Finding and decoding the files of the seeds folder.

- `scan` lists the folder with stat calls only (no file is opened): hidden files and folders and
  unsupported extensions are skipped, symbolic links are followed only when their target lies
  inside the folder.
- `shard_of` places a file in one of N shards by a stable hash of its relative path.
- `decode` turns raw bytes into normalised text (BOMs, UTF-16, Latin-1 fallback, mojibake,
  control and zero-width characters, line endings), or says in words why the file is not text.
"""

import gzip
import hashlib
import io
import os
import re
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
# Zero-width and other invisible format characters scrapers leave behind.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0/C1 controls other than tab and newline.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
MAX_CONTROL_SHARE = 0.01  # more control characters than this is a binary file, not text
MAX_GUNZIP_RATIO = 50  # a .gz that inflates past 50x the size limit is a zip bomb


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


def scan(seeds_dir: Path, n_shards: int) -> Iterator[SeenFile]:
    """Every supported file under the folder, by stat only, in a stable order."""
    root = Path(seeds_dir).resolve()
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or not name.lower().endswith(SUPPORTED_SUFFIXES):
                continue
            seen = _stat(root, Path(folder) / name, n_shards)
            if seen is not None:
                yield seen


def _stat(root: Path, path: Path, n_shards: int) -> SeenFile | None:
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            return None  # never follow a link out of the folder
        info = path.stat()
    except OSError:
        return None  # vanished or dangling between listing and stat
    if not path.is_file():
        return None
    doc_id = path.relative_to(root).as_posix()
    return SeenFile(doc_id, path, shard_of(doc_id, n_shards), info.st_size, info.st_mtime_ns)


def read_bytes(path: Path, max_bytes: int) -> bytes | NotText:
    """The file's raw bytes (gunzipped for .gz), or why they cannot be had."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return NotText(f"cannot read the file: {error.strerror or error}")
    if path.name.lower().endswith(".gz"):
        try:
            return _gunzip(raw, max_bytes * MAX_GUNZIP_RATIO)
        except (OSError, EOFError, zlib.error):
            return NotText("the .gz file is damaged or not gzip")
    return raw


def _gunzip(raw: bytes, limit: int) -> bytes | NotText:
    with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        return NotText(f"the .gz file inflates past {limit:,} bytes")
    return data


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def decode(raw: bytes) -> Decoded | NotText:
    """Bytes to clean Unicode text, or the reason a person would give for not reading it."""
    if not raw.strip():
        return NotText("the file is empty or only white space")
    found = _decode_bytes(raw)
    if isinstance(found, NotText):
        return found
    text, encoding = found
    controls = len(CONTROL.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        return NotText(f"binary content: {controls:,} control characters, not text")
    return Decoded(normalise(text), encoding)


def _decode_bytes(raw: bytes) -> tuple[str, str] | NotText:
    for bom, codec in BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec), codec.removesuffix("-sig")
            except UnicodeDecodeError:
                return NotText(f"starts with a {codec} byte-order mark but does not decode")
    if b"\x00" in raw:
        return _decode_with_nuls(raw)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(raw).best()
    if best is not None and best.encoding not in ("utf_16", "utf_32"):
        return str(best), best.encoding
    return raw.decode("cp1252", errors="replace"), "cp1252"


def _decode_with_nuls(raw: bytes) -> tuple[str, str] | NotText:
    """UTF-16 without a BOM has a NUL in every other byte; anything else with NULs is binary."""
    even, odd = raw[0::2], raw[1::2]
    for codec, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros.count(0) > 0.9 * len(zeros):
            try:
                return raw.decode(codec), codec
            except UnicodeDecodeError:
                break
    return NotText("binary file: it contains NUL bytes and is not UTF-16 text")


def normalise(text: str) -> str:
    """Mojibake repaired, NFC, "\\n" line endings, no invisible or control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=False, normalization="NFC")
    text = INVISIBLE.sub("", text)
    text = CONTROL.sub("", text.replace("\t", " "))
    return unicodedata.normalize("NFC", text)
