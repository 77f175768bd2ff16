"""The language of a page, told from its prose lines before cleaning, and the stop words the
block rules judge its lines by: jusText's list for that language (about 100 ship with the
`justext` package), English's own list for English, none when the language is unsure or has no
list (the block rules then judge by punctuation, length and capitals alone)."""

from collections.abc import Iterable
from functools import cache

from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from pipeline.stages.cleaning.page import folded

MIN_LANGUAGE_CHARS = 40  # under a sentence is too little evidence to call a language
MIN_LANGUAGE_CONFIDENCE = 0.9
LANGUAGE_SAMPLE_CHARS = 1_000  # enough for a confident call, 5x cheaper than 5,000
# A page's sample of prose lines: longer than a document's cleaned text needs, since a page's
# lines mix languages (English menus on a Russian page); on the development pages 1,000
# characters left 3 of 93 undetermined, 5,000 one.
PAGE_SAMPLE_CHARS = 5_000
SAMPLE_MIN_WORDS = 6  # lines this long make the sample: a page's prose, not its menus
SAMPLE_MIN_CHARS = 200  # fewer characters of such lines: the whole text is the sample
# English function words are a quarter or more of the words of English prose (BBC articles:
# median 33 %, 5th percentile 26 %, 97.6 % at or above 25 %) and about a tenth at most of
# German, French, Spanish, Dutch or Italian news sentences (5.6-10.8 %). At or above
# ENGLISH_SHARE the text is English without asking the language model, which costs ~1.3 ms
# a document (a quarter of reading and cleaning); below it, the model decides.
# fmt: off
ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "on", "was", "with", "he",
    "as", "be", "by", "at", "have", "are", "this", "from", "but", "not", "has", "they", "his",
    "had", "an", "were", "which", "their", "been", "will", "would", "said",
})
# The block rules' English list: jusText's is longer and made for web pages; this one, of
# function words and a reporter's verbs, was chosen on the development pages before the
# other languages' lists were added.
_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each even few for from further
had has have having he her here hers herself him himself his how however i if in into is it its
itself just last like made make many may me might more most much must my myself new no nor not
now of off on once one only or other our ours ourselves out over own said same say says she
should since so some still such than that the their theirs them themselves then there these they
this those through to too under until up upon us very was we well were what when where which
while who whom whose why will with would year years yet you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# ISO 639-1 codes (py3langid's) to the names of jusText's stop lists.
JUSTEXT_LISTS = {
    "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "an": "Aragonese", "hy": "Armenian",
    "az": "Azerbaijani", "eu": "Basque", "be": "Belarusian", "bn": "Bengali", "bs": "Bosnian",
    "br": "Breton", "bg": "Bulgarian", "ca": "Catalan", "cv": "Chuvash", "hr": "Croatian",
    "cs": "Czech", "da": "Danish", "nl": "Dutch", "eo": "Esperanto", "et": "Estonian",
    "fi": "Finnish", "fr": "French", "gl": "Galician", "ka": "Georgian", "de": "German",
    "el": "Greek", "gu": "Gujarati", "ht": "Haitian", "he": "Hebrew", "hi": "Hindi",
    "hu": "Hungarian", "is": "Icelandic", "id": "Indonesian", "ga": "Irish", "it": "Italian",
    "jv": "Javanese", "kn": "Kannada", "kk": "Kazakh", "ko": "Korean", "ku": "Kurdish",
    "ky": "Kyrgyz", "la": "Latin", "lv": "Latvian", "lt": "Lithuanian", "lb": "Luxembourgish",
    "mk": "Macedonian", "ms": "Malay", "ml": "Malayalam", "mt": "Maltese", "mr": "Marathi",
    "ne": "Nepali", "nb": "Norwegian_Bokmal", "no": "Norwegian_Bokmal", "nn": "Norwegian_Nynorsk",
    "oc": "Occitan", "fa": "Persian", "pl": "Polish", "pt": "Portuguese", "qu": "Quechua",
    "ro": "Romanian", "ru": "Russian", "sr": "Serbian", "sk": "Slovak", "sl": "Slovenian",
    "es": "Spanish", "su": "Sundanese", "sw": "Swahili", "sv": "Swedish", "tl": "Tagalog",
    "ta": "Tamil", "te": "Telugu", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "uz": "Uzbek", "vi": "Vietnamese", "vo": "Volapuk", "wa": "Walloon", "cy": "Welsh",
    "fy": "West_Frisian", "yo": "Yoruba", "pa": "Western_Panjabi",
}
# fmt: on
ENGLISH_SHARE = 0.25


@cache
def language_identifier() -> LanguageIdentifier:
    """The language model behind `detect_language`, loaded once per process (~0.7 s: a 68 MB
    xz-compressed file): on first need, or ahead of it by a worker while it waits for work."""
    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def detect_language(text: str, sample_chars: int = LANGUAGE_SAMPLE_CHARS) -> str:
    """An ISO 639-1 code, or "und" (undetermined) when the text is too short or the call too
    close."""
    sample = text[:sample_chars]
    if len(sample) < MIN_LANGUAGE_CHARS:
        return "und"
    words = sample.lower().split()
    if sum(word in ENGLISH_FUNCTION_WORDS for word in words) >= ENGLISH_SHARE * len(words):
        return "en"
    language, confidence = language_identifier().classify(sample)
    return language if confidence >= MIN_LANGUAGE_CONFIDENCE else "und"


def page_language(lines: Iterable[str]) -> str:
    """The language of a page's prose: its lines of SAMPLE_MIN_WORDS words or more (a menu's
    items are shorter and often in another language), or its whole text if they are few."""
    lines = [line for line in lines if line]
    sample: list[str] = []
    size = 0
    for line in lines:
        if len(folded(line)) >= SAMPLE_MIN_WORDS:
            sample.append(line)
            size += len(line) + 1
            if size >= PAGE_SAMPLE_CHARS:
                break
    text = "\n".join(sample if size >= SAMPLE_MIN_CHARS else lines)
    return detect_language(text, PAGE_SAMPLE_CHARS)


@cache
def stop_words(language: str) -> frozenset[str] | None:
    """The stop words to judge a page in `language` by, casefolded; None without a list."""
    if language == "en":
        return STOP_WORDS
    name = JUSTEXT_LISTS.get(language)
    if name is None:
        return None
    import justext  # its lists only: read on the first page in a language other than English

    return frozenset(word.casefold() for word in justext.get_stoplist(name))
