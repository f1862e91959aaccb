"""Who the demo's customer can be: the sandbox bank's seeded customers whose ID document
fits an ICAO TD1 card (a document number of at most 9 characters), as a CardHolder whose
card the simulated camera shows. The bank then finds them by the MRZ the kiosk reads, as it
would a real customer (``kiosk flows run card-issuance --customer NAME``)."""

from __future__ import annotations

from demo.idcard import CardHolder


def _yymmdd(iso: str) -> str:
    return iso[2:4] + iso[5:7] + iso[8:10]


def seeded_holders() -> dict[str, CardHolder]:
    """Name (as the bank holds it, e.g. "COLLINS EILEEN MARIE") → the card they carry."""
    from bank_host.sandbox.schema import load_seed

    out: dict[str, CardHolder] = {}
    for c in load_seed()["customers"]:
        number, name = str(c["id_number"]), str(c["name"]).split()
        if len(number) > 9 or len(name) < 2:
            continue  # an 18-digit resident ID is not a TD1 card
        out[" ".join(name)] = CardHolder(
            surname=name[0], given_names=" ".join(name[1:]), document_number=number,
            birth_date=_yymmdd(str(c["birth_date"])), expiry_date=_yymmdd(str(c["id_expiry"])))
    return out


def holder_named(name: str | None) -> CardHolder | None:
    """The holder called ``name`` (case and spacing ignored); None for the default card.
    An unknown name is a ValueError listing the names that can be played."""
    if not name:
        return None
    holders = seeded_holders()
    key = " ".join(name.upper().replace("_", " ").replace("+", " ").split())
    if key not in holders:
        raise ValueError(f"no demo customer {name!r}; playable: {', '.join(sorted(holders))}")
    return holders[key]
