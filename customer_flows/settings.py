"""``[card_issuance]`` in kiosk.toml: the card products this kiosk offers.

    [[card_issuance.products]]
    id = "debit"                      # the bank's product (bank_host.api.Product)
    terms = "debit"                   # esign/terms/<terms>_terms.<language>.md
    name = { zh_CN = "借记卡（一类账户）", en_US = "Debit card (Class I account)" }

The customer chooses one on the first page when there is more than one; the terms of the
chosen product are what they read and sign.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

LANGUAGES = ("zh_CN", "en_US")


class CardProduct(BaseModel):
    model_config = {"extra": "forbid"}

    id: str = Field(min_length=1, max_length=32, pattern=r"^[a-z_]+$")
    terms: str = Field(min_length=1, max_length=32, pattern=r"^[a-z_]+$")
    name: dict[str, str]

    @field_validator("name")
    @classmethod
    def _every_language(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [lang for lang in LANGUAGES if not value.get(lang, "").strip()]
        if missing:
            raise ValueError(f"a name in {', '.join(missing)} is needed")
        return value


def _default_products() -> list[CardProduct]:
    return [CardProduct(id="debit", terms="debit",
                        name={"zh_CN": "借记卡（一类账户）",
                              "en_US": "Debit card (Class I account)"})]


class CardIssuanceSettings(BaseModel):
    model_config = {"extra": "forbid"}

    products: list[CardProduct] = Field(default_factory=_default_products, min_length=1)

    @field_validator("products")
    @classmethod
    def _unique(cls, value: list[CardProduct]) -> list[CardProduct]:
        ids = [p.id for p in value]
        if len(set(ids)) != len(ids):
            raise ValueError(f"product ids must be unique: {', '.join(ids)}")
        return value
