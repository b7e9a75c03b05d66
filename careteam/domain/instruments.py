"""Questionnaire definitions (PHQ-9, GAD-7, a clinic's licensed ODI…) read from data files and checked.

A definition is plain data: items with their answer options and values, how the score is made
(a fixed set of methods), bands, flags, an optional meaningful-change threshold with its source,
the reference and the licence. `parse_instrument` checks all of it and names every problem, so a
broken file stops the app at start-up instead of mis-scoring answers later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

METHODS = ("sum", "mean", "percent")  # percent: the sum as a percentage of the answered maximum
ANSWERED_IN_CHECKIN = "weekly_checkin"
REQUIRED_TEXT = ("id", "version", "title", "short_title", "recall_period", "reference", "licence")


class DefinitionError(ValueError):
    """A definition file that cannot be used; `problems` maps a field to what is wrong."""

    def __init__(self, source: str, problems: dict[str, str]):
        self.source = source
        self.problems = problems
        detail = "; ".join(f"{key}: {text}" for key, text in problems.items())
        super().__init__(f"questionnaire definition {source}: {detail}")


@dataclass(frozen=True)
class Option:
    value: int
    text: str
    points: float  # what the answer counts toward the score (the value unless the file says otherwise)


@dataclass(frozen=True)
class Item:
    link_id: str
    text: str
    options: tuple[Option, ...]

    def option(self, value: int) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    @property
    def max_points(self) -> float:
        return max(o.points for o in self.options)

    @property
    def min_points(self) -> float:
        return min(o.points for o in self.options)


@dataclass(frozen=True)
class Subscale:
    id: str
    title: str
    link_ids: tuple[str, ...]
    method: str


@dataclass(frozen=True)
class Band:
    label: str
    when: dict[str, tuple[float, float]]  # "score" or a subscale id -> inclusive range


@dataclass(frozen=True)
class Flag:
    id: str
    link_id: str
    min_value: int
    label: str
    safety: bool


@dataclass(frozen=True)
class MeaningfulChange:
    points: float
    source: str


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    short_title: str
    recall_period: str
    preamble: str
    reference: str
    licence: str
    measures: str
    items: tuple[Item, ...]
    method: str
    decimals: int
    max_missing: int
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[Band, ...] = ()
    flags: tuple[Flag, ...] = ()
    meaningful_change: MeaningfulChange | None = None
    answered_in: str | None = None  # "weekly_checkin": its items are asked in the check-in
    higher_is_worse: bool = True

    def item(self, link_id: str) -> Item | None:
        return next((i for i in self.items if i.link_id == link_id), None)

    @property
    def score_range(self) -> tuple[float, float]:
        if self.method == "percent":
            return (0.0, 100.0)
        low = sum(i.min_points for i in self.items)
        high = sum(i.max_points for i in self.items)
        if self.method == "mean":
            return (low / len(self.items), high / len(self.items))
        return (low, high)

    @property
    def assignable(self) -> bool:
        return self.answered_in is None


def _text(data: dict, key: str, problems: dict[str, str], required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        problems[key] = "is required (a non-empty text)"
        return ""
    return value.strip()


def _int(value, default: int | None = None) -> int | None:
    if value is None:
        return default
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _options(raw, where: str, problems: dict[str, str]) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        problems[where] = "needs a list of answer options"
        return ()
    options = []
    for index, entry in enumerate(raw):
        value = _int(entry.get("value")) if isinstance(entry, dict) else None
        text = entry.get("text") if isinstance(entry, dict) else None
        points = entry.get("points", value) if isinstance(entry, dict) else None
        if value is None or not isinstance(text, str) or not text.strip() \
                or not isinstance(points, (int, float)) or isinstance(points, bool):
            problems[f"{where}[{index}]"] = "needs an integer value, a text and numeric points"
            continue
        options.append(Option(value, text.strip(), float(points)))
    if len({o.value for o in options}) != len(options):
        problems[where] = "option values must be unique"
    return tuple(options)


def _range(raw, where: str, problems: dict[str, str]) -> tuple[float, float] | None:
    if (not isinstance(raw, list) or len(raw) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw) or raw[0] > raw[1]):
        problems[where] = "must be [lowest, highest]"
        return None
    return (float(raw[0]), float(raw[1]))


def _scoring(scoring: dict, items: tuple[Item, ...], problems: dict[str, str]) -> dict:
    link_ids = {i.link_id for i in items}
    method = scoring.get("method")
    if method not in METHODS:
        problems["scoring.method"] = f"must be one of {', '.join(METHODS)}"
    decimals, max_missing = _int(scoring.get("decimals"), 0), _int(scoring.get("max_missing"), 0)
    if decimals is None or not 0 <= decimals <= 2:
        problems["scoring.decimals"] = "must be 0, 1 or 2"
    if max_missing is None or not 0 <= max_missing < max(len(items), 1):
        problems["scoring.max_missing"] = "must be a whole number below the number of items"
    subscales = []
    for index, raw in enumerate(scoring.get("subscales") or []):
        where = f"scoring.subscales[{index}]"
        ids = tuple(str(x) for x in raw.get("items", [])) if isinstance(raw, dict) else ()
        if not isinstance(raw, dict) or not raw.get("id") or not ids or not set(ids) <= link_ids \
                or raw.get("method", "sum") not in METHODS:
            problems[where] = "needs an id, a method and items that are among the instrument's linkIds"
            continue
        subscales.append(Subscale(str(raw["id"]), str(raw.get("title") or raw["id"]), ids, raw.get("method", "sum")))
    quantities = {"score"} | {s.id for s in subscales}
    bands = []
    for index, raw in enumerate(scoring.get("bands") or []):
        where = f"scoring.bands[{index}]"
        when = raw.get("when") if isinstance(raw, dict) else None
        if not isinstance(raw, dict) or not raw.get("label") or not isinstance(when, dict) or not when:
            problems[where] = "needs a label and a `when` of score or subscale ranges"
            continue
        unknown = set(when) - quantities
        if unknown:
            problems[where] = f"refers to unknown {', '.join(sorted(unknown))}"
            continue
        ranges = {key: _range(value, f"{where}.when.{key}", problems) for key, value in when.items()}
        if all(ranges.values()):
            bands.append(Band(str(raw["label"]), ranges))
    flags = []
    for index, raw in enumerate(scoring.get("flags") or []):
        where = f"scoring.flags[{index}]"
        if not isinstance(raw, dict) or str(raw.get("linkId")) not in link_ids or _int(raw.get("min")) is None \
                or not raw.get("id") or not raw.get("label"):
            problems[where] = "needs an id, a label, a linkId of this instrument and a min value"
            continue
        flags.append(Flag(str(raw["id"]), str(raw["linkId"]), raw["min"], str(raw["label"]), bool(raw.get("safety"))))
    change = None
    raw_change = scoring.get("meaningful_change")
    if raw_change is not None:
        points, source = (raw_change.get("points"), raw_change.get("source")) if isinstance(raw_change, dict) else (None, None)
        if not isinstance(points, (int, float)) or points <= 0 or not isinstance(source, str) or not source.strip():
            problems["scoring.meaningful_change"] = "needs positive points and the source that cites them"
        else:
            change = MeaningfulChange(float(points), source.strip())
    return {"method": method, "decimals": decimals or 0, "max_missing": max_missing or 0,
            "subscales": tuple(subscales), "bands": tuple(bands), "flags": tuple(flags), "meaningful_change": change}


def parse_instrument(data, source: str) -> Instrument:
    """A checked Instrument, or DefinitionError naming `source` and every problem found."""
    if not isinstance(data, dict):
        raise DefinitionError(source, {"_": "must be a JSON object"})
    problems: dict[str, str] = {}
    text = {key: _text(data, key, problems) for key in REQUIRED_TEXT}
    default_options = data.get("options")
    items = []
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        problems["items"] = "needs at least one item"
        raw_items = []
    for index, raw in enumerate(raw_items):
        where = f"items[{index}]"
        if not isinstance(raw, dict) or not str(raw.get("linkId", "")).strip() or not str(raw.get("text", "")).strip():
            problems[where] = "needs a linkId and a text"
            continue
        options = _options(raw.get("options", default_options), f"{where}.options", problems)
        if options:
            items.append(Item(str(raw["linkId"]).strip(), str(raw["text"]).strip(), options))
    if len({i.link_id for i in items}) != len(items):
        problems["items"] = "linkIds must be unique"
    scoring = data.get("scoring")
    if not isinstance(scoring, dict):
        problems["scoring"] = "is required"
        scoring = {}
    rules = _scoring(scoring, tuple(items), problems)
    answered_in = data.get("answered_in")
    if answered_in not in (None, ANSWERED_IN_CHECKIN):
        problems["answered_in"] = f"must be {ANSWERED_IN_CHECKIN} or absent"
    if problems:
        raise DefinitionError(source, problems)
    return Instrument(
        **text, preamble=str(data.get("preamble") or ""), measures=str(data.get("measures") or ""),
        items=tuple(items), answered_in=answered_in, higher_is_worse=bool(data.get("higher_is_worse", True)), **rules,
    )


@dataclass
class Catalogue:
    """Every usable instrument by id; built-in and clinic files may not share an id."""

    instruments: dict[str, Instrument] = field(default_factory=dict)

    def add(self, instrument: Instrument, source: str) -> None:
        if instrument.id in self.instruments:
            raise DefinitionError(source, {"id": f"{instrument.id} is already defined by another file"})
        self.instruments[instrument.id] = instrument

    def get(self, instrument_id: str) -> Instrument | None:
        return self.instruments.get(instrument_id)

    def __iter__(self):
        return iter(sorted(self.instruments.values(), key=lambda i: i.short_title.casefold()))
