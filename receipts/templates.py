"""Receipt templates as data (TOML under ``receipts/templates/``) and their ESC/POS renderer.

A template declares its fields (with a type that says how a value is checked, masked and
formatted) and a list of blocks (logo, text, row, rule, qr, feed, cut), each text in
every language. Rendering gives a :class:`Receipt`: the printer's bytes plus a plain-text
copy and the QR payloads, so a flow can show the receipt on screen when printing is out.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from receipts.escpos import (
    EscPosBuilder,
    EscPosError,
    Style,
    _clean,
    display_width,
    is_wide,
)
from receipts.masking import MaskingError, mask_card_number, scrub_text

TEMPLATES_DIR = Path(__file__).parent / "templates"
LANGUAGES = ("zh_CN", "en_US")
Lang = Literal["zh_CN", "en_US"]
COLUMNS = 42  # Font A on 80 mm paper (512 dots / 12)


class TemplateError(ValueError):
    """A template file or the data given to it is unusable; the message names the key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Model):
    zh_CN: str
    en_US: str

    def get(self, lang: str) -> str:
        return str(getattr(self, lang))


class FieldSpec(_Model):
    type: Literal["text", "pan", "datetime", "int", "url", "digest"] = "text"
    required: bool = False
    max_len: int = Field(64, ge=1, le=1000)


class _Block(_Model):
    when: str | None = None  # only printed when this field has a value


class LogoBlock(_Block):
    kind: Literal["logo"]
    image: str = "logo.png"
    align: Literal["left", "center", "right"] = "center"


class TextBlock(_Block):
    kind: Literal["text"]
    text: Localized
    align: Literal["left", "center", "right"] = "left"
    size: tuple[int, int] = (1, 1)
    bold: bool = False
    underline: bool = False
    invert: bool = False


class RowBlock(_Block):
    kind: Literal["row"]
    label: Localized
    value: str
    bold: bool = False


class RuleBlock(_Block):
    kind: Literal["rule"]
    char: str = Field("-", min_length=1, max_length=1)


class QrBlock(_Block):
    kind: Literal["qr"]
    data: str
    module: int = Field(6, ge=1, le=16)
    ec: Literal["L", "M", "Q", "H"] = "M"
    align: Literal["left", "center", "right"] = "center"


class FeedBlock(_Block):
    kind: Literal["feed"]
    lines: int = Field(1, ge=0, le=20)


class CutBlock(_Block):
    kind: Literal["cut"]
    feed: int = Field(4, ge=0, le=20)


Block = Annotated[LogoBlock | TextBlock | RowBlock | RuleBlock | QrBlock | FeedBlock | CutBlock,
                  Field(discriminator="kind")]


class Template(_Model):
    name: str
    title: Localized
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    blocks: list[Block]

    @model_validator(mode="after")
    def _check_references(self) -> Template:
        for i, block in enumerate(self.blocks):
            for text in _texts_of(block):
                for name in _placeholders(text):
                    if name not in self.fields:
                        raise ValueError(f"blocks[{i}] uses undeclared field '{name}'")
            if block.when is not None and block.when not in self.fields:
                raise ValueError(f"blocks[{i}].when names undeclared field '{block.when}'")
        if not self.blocks or self.blocks[-1].kind != "cut":
            raise ValueError("the last block must be a cut (it ends the job)")
        return self


def _texts_of(block: Any) -> list[str]:
    if isinstance(block, TextBlock):
        return [block.text.zh_CN, block.text.en_US]
    if isinstance(block, RowBlock):
        return [block.value]
    if isinstance(block, QrBlock):
        return [block.data]
    return []


def _placeholders(text: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError as exc:
        raise ValueError(f"bad placeholder in '{text}': {exc}") from None


# -- loading ----------------------------------------------------------------------------


def template_names() -> list[str]:
    return sorted(p.stem for p in TEMPLATES_DIR.glob("*.toml"))


@lru_cache(maxsize=32)
def load_template(name_or_path: str | Path) -> Template:
    """A template by name (``card_issuance``) or path; errors name the file and key."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        if not re.fullmatch(r"[a-z0-9_]+", str(name_or_path)):
            raise TemplateError(f"bad template name '{name_or_path}'")
        path = TEMPLATES_DIR / f"{name_or_path}.toml"
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise TemplateError(f"no template '{path.stem}' (have: {', '.join(template_names())})") \
            from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path.name}: {exc}") from None
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{loc}: {msg}" if loc else msg)
        raise TemplateError(f"{path.name}: " + "; ".join(problems)) from None


@lru_cache(maxsize=8)
def load_image(name: str) -> Image.Image:
    path = TEMPLATES_DIR / name
    if path.parent != TEMPLATES_DIR:
        raise TemplateError(f"image '{name}' must be a file in {TEMPLATES_DIR}")
    with Image.open(path) as img:
        return img.convert("L")


# -- values -----------------------------------------------------------------------------


def format_value(name: str, spec: FieldSpec, value: Any) -> str:
    """Check, mask and format one field value for paper."""
    try:
        if spec.type == "pan":
            return mask_card_number(str(value))
        if spec.type == "int":
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError("expected a whole number")
            return str(int(value))
        if spec.type == "datetime":
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            if isinstance(value, datetime):
                return value.strftime("%Y-%m-%d %H:%M")
            if isinstance(value, date):
                return value.isoformat()
            raise ValueError("expected a date/time")
        if spec.type == "url":
            text = str(value)
            parts = urlsplit(text)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError("expected an http(s) URL")
            if len(text) > spec.max_len:
                raise ValueError(f"longer than {spec.max_len} characters")
            return _clean(text)
        if spec.type == "digest":
            text = str(value).lower()
            if not re.fullmatch(r"[0-9a-f]{16,128}", text):
                raise ValueError("expected a hex digest")
            # Groups of 8 so a customer can compare it by eye; wraps between groups.
            return " ".join(text[i:i + 8] for i in range(0, len(text), 8))
        text = _clean(str(value)).replace("\n", " ").strip()
        if len(text) > spec.max_len:
            raise ValueError(f"longer than {spec.max_len} characters")
        return scrub_text(text)
    except (ValueError, MaskingError) as exc:
        raise TemplateError(f"field '{name}': {exc}") from None


# -- rendering --------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """A rendered receipt: what goes to the printer and what a screen can show instead."""

    template: str
    lang: str
    title: str
    data: bytes
    lines: list[str] = field(default_factory=list)  # plain-text copy, one printed line each
    qr_payloads: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def wrap(text: str, columns: int) -> list[str]:
    """Greedy wrap by display width: at spaces for words, anywhere between Chinese characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        tokens = re.findall(r"\s+|[^\s]", paragraph) if any(map(is_wide, paragraph)) \
            else re.findall(r"\s+|[^\s]+", paragraph)
        cur = ""
        for tok in tokens:
            if display_width(cur + tok) <= columns:
                cur += tok
                continue
            if cur.strip():
                lines.append(cur.rstrip())
            cur = "" if tok.isspace() else tok
            while display_width(cur) > columns:  # a word longer than a line
                cut = 1
                while display_width(cur[:cut + 1]) <= columns:
                    cut += 1
                lines.append(cur[:cut])
                cur = cur[cut:]
        lines.append(cur.rstrip())
    return lines


def render_receipt(template: str | Template, lang: str, values: Mapping[str, Any], *,
                   code_page: str = "CP437", columns: int = COLUMNS,
                   width_dots: int = 512) -> Receipt:
    """Fill ``template`` with ``values`` in ``lang`` and build the ESC/POS job."""
    tpl = load_template(template) if isinstance(template, str) else template
    if lang not in LANGUAGES:
        raise TemplateError(f"language must be one of {', '.join(LANGUAGES)}, got '{lang}'")
    unknown = sorted(set(values) - set(tpl.fields))
    if unknown:
        raise TemplateError(f"{tpl.name}: unknown field(s) {', '.join(unknown)}")
    fmt: dict[str, str] = {}
    for name, spec in tpl.fields.items():
        raw = values.get(name)
        if raw is None or raw == "":
            if spec.required:
                raise TemplateError(f"{tpl.name}: field '{name}' is required")
            fmt[name] = ""
            continue
        fmt[name] = format_value(name, spec, raw)

    try:
        b = EscPosBuilder(code_page, width_dots).initialize()
    except EscPosError as exc:
        raise TemplateError(str(exc)) from None
    lines: list[str] = []
    qrs: list[str] = []
    for block in tpl.blocks:
        if block.when is not None and not fmt.get(block.when):
            continue
        if isinstance(block, LogoBlock):
            b.align(block.align).image(load_image(block.image))
        elif isinstance(block, TextBlock):
            w, h = block.size
            b.align(block.align).style(Style(block.bold, block.underline, block.invert, w, h))
            for ln in wrap(block.text.get(lang).format_map(fmt), max(1, columns // w)):
                b.line(ln)
                lines.append(ln)
        elif isinstance(block, RowBlock):
            label = block.label.get(lang)
            value = block.value.format_map(fmt)
            b.align("left").style(Style(bold=block.bold))
            for ln in _row(label, value, columns):
                b.line(ln)
                lines.append(ln)
        elif isinstance(block, RuleBlock):
            rule = block.char * (columns // display_width(block.char))
            b.align("left").style(Style()).line(rule)
            lines.append(rule)
        elif isinstance(block, QrBlock):
            payload = block.data.format_map(fmt)
            b.align(block.align).qr(payload, module=block.module, ec=block.ec).raw(b"\n")
            qrs.append(payload)
        elif isinstance(block, FeedBlock):
            b.feed(block.lines)
        elif isinstance(block, CutBlock):
            b.cut(block.feed)
    return Receipt(tpl.name, lang, tpl.title.get(lang), b.getvalue(), lines, qrs)


def _row(label: str, value: str, columns: int) -> list[str]:
    """``label ...... value`` on one line if it fits, else the value right-aligned below."""
    gap = columns - display_width(label) - display_width(value)
    if gap >= 1:
        return [label + " " * gap + value]
    out = wrap(label, columns)
    for part in wrap(value, columns):
        out.append(" " * (columns - display_width(part)) + part)
    return out
