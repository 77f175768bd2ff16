"""The cleaning parameters a run may set (`corpus eval-cleaning` tries a few values of each):
one frozen value passed from the run's settings down to `clean_text`, never module state."""

import hashlib
import json
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True, slots=True)
class CleaningParams:
    """The block rules' thresholds. The defaults are jusText's (Pomikálek 2011) where it has
    one, and were kept by cross-validation on the development pages (see README)."""

    length_low: int = 70  # characters: below, a line is too short to judge alone ("short")
    length_high: int = 200  # characters: above, a line with prose stop-word density is "good"
    stopwords_low: float = 0.30  # share of stop words of prose; menus and link lists have ~0.1
    stopwords_high: float = 0.32
    bad_line_cost: int = 40  # characters each bad line costs the body's run: menus are walls
    # Lines that pattern rules dropped (menus' "Share", "Read more", footers) stay bad
    # neighbours when short lines take their class from their context.
    context: bool = True
    common_min_groups: int = 3  # a line in this many unrelated documents is site furniture

    def to_json(self) -> str:
        """The parameters that differ from the defaults, as a JSON object ("{}" for none)."""
        default = CleaningParams()
        changed = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }
        return json.dumps(changed, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "CleaningParams":
        values = json.loads(text or "{}")
        names = {f.name for f in fields(cls)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown cleaning parameters: {sorted(unknown)}")
        return cls(**values)

    def version(self) -> str:
        """ "" for the defaults, else a short hash of the values: part of the code version."""
        text = self.to_json()
        if text == "{}":
            return ""
        return (
            "p" + hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:8]
        )


DEFAULT_PARAMS = CleaningParams()
