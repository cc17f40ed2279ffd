"""The words of a comment: its key terms, and the fingerprint that groups identical
texts into campaigns. Pure: standard library only."""

import hashlib
import re
import unicodedata

MIN_LENGTH = 4
MAX_LENGTH = 40  # submission_terms.term is a String(40)
MIN_FINGERPRINTED = 20  # shorter texts ("I agree") are common replies, not campaigns

# A word is a run of letters: \w without digits and underscores.
_WORD = re.compile(r"[^\W\d_]+")

# Common English, French and Spanish function words. Only words of four letters or
# more are listed: shorter ones never become terms. Not exhaustive, and not meant to be.
STOP_WORDS = frozenset(
    """
    about above after again also been before being below between both cannot could
    does doing down during each else even ever from further have having here herself
    himself however into itself just more most much must myself only other ought ours
    over same shall should since some such than that their theirs them themselves then
    there these they this those through under until upon very were what when where
    which while whom whose will with within without would your yours

    ainsi alors aussi autre autres avec avoir avons cela celle celles celui cette ceux
    chez comme comment dans depuis donc dont elle elles entre était être leur leurs
    mais même nous notre parce pour quand quel quelle quelles quels sans selon sont
    sous tous tout toute toutes très vous votre vers

    ante aquel aquella cada como cuando desde donde ella ellas ello ellos entre
    esta estas este esto estos está están fueron hasta hacia mismo muchos nosotros
    nuestra nuestro otra otras otro otros para pero porque puede pueden según sino
    sobre también tanto tiene tienen toda todas todo todos tras unas unos usted
    """.split()  # noqa: SIM905 (a word list reads best as words)
)


def key_terms(text: str) -> set[str]:
    """The distinct lower-cased words of `text` worth counting as key terms."""
    words = (word.lower() for word in _WORD.findall(text))
    return {word for word in words if _is_term(word)}


def _is_term(word: str) -> bool:
    # Letters such as Roman numerals (Ⅻ) are numeric without being digits.
    return (MIN_LENGTH <= len(word) <= MAX_LENGTH and not word.isnumeric()
            and word not in STOP_WORDS)


def normalise(text: str) -> str:
    """`text` as campaign detection compares it: NFKC, case-folded, without punctuation,
    whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    letters = "".join(c for c in folded if not unicodedata.category(c).startswith("P"))
    return " ".join(letters.split())


def fingerprint(text: str) -> str | None:
    """SHA-256 hex of the normalised text; None when it is too short to be a campaign."""
    normalised = normalise(text)
    if len(normalised) < MIN_FINGERPRINTED:
        return None
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
