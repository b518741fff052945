"""How a guest is addressed on paper: organisation or person, the honorific, and the split of
"株式会社まるや 佐藤 健" into the company (written above) and the person (with 様).

Japanese postal custom: 御中 after an organisation (companies, 医療法人, 財団/社団法人, 学校法人,
社会福祉法人, NPO法人, 税理士法人, offices and departments: 〜役所, 〜課), 様 after a person, never
both on one name. A person at an organisation gets the organisation above and 様 after the
person. The owner can override the honorific per guest (``Customer.honorific``). The address
block, the label and the letter body all use the ``Addressee`` made here, so they agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shopcrm.i18n import N_

HONORIFICS = ("", "様", "御中")  # "" = decided from the name
HONORIFIC_LABELS = {
    "": N_("Automatic (様 for a person, 御中 for an organisation)"),
    "様": N_("様 (a person)"),
    "御中": N_("御中 (an organisation or department)"),
}

# Legal-entity words (anywhere in a name) and the marks that abbreviate them.
_ENTITY = re.compile(
    r"株式会社|有限会社|合同会社|合資会社|合名会社|相互会社"
    r"|(?:一般|公益)?(?:財団|社団)法人|医療法人(?:社団|財団)?|社会医療法人|学校法人|社会福祉法人"
    r"|宗教法人|特定非営利活動法人|NPO法人|ＮＰＯ法人|税理士法人|弁護士法人|司法書士法人"
    r"|監査法人|行政書士法人|独立行政法人|地方独立行政法人|国立大学法人|協同組合|生活協同組合"
    r"|農業協同組合|信用金庫|信用組合"
    r"|\(株\)|（株）|㈱|\(有\)|（有）|㈲|\(合\)|（合）|\(医\)|（医）|\(社\)|（社）|\(財\)|（財）"
    r"|\(学\)|（学）|\(福\)|（福）"
)
# A word that names an office (the word ends with it): 〜役所, 〜課 ... Not 〜部 or 〜室 on
# their own: 服部, 阿部, 氷室 are surnames. After an organisation word a department joins it.
_OFFICE = re.compile(
    r"..*(?:役所|役場|区役所|市役所|県庁|都庁|道庁|府庁|課|係|支店|支社|営業所|事務所|出張所|本社"
    r"|センター|委員会|事業部|研究所|病院|医院|クリニック|学校|大学|組合|協会|商店)$"
)
_DEPARTMENT = re.compile(r"..*(?:部|室|局|店|グループ|チーム|工場|支部|御中)$")
_SPACES = re.compile(r"[ \u3000]+")
_TYPED_HONORIFIC = re.compile(r"[ \u3000]?(?:様|さま|御中|殿)$")


@dataclass(frozen=True)
class Addressee:
    """A name as addressed: ``organisation`` written above (with 御中 when nobody is named),
    ``person`` with 様; ``honorific`` is the one honorific the addressee gets."""

    organisation: str
    person: str
    honorific: str

    @property
    def main(self) -> str:
        """The name the honorific follows: the person, or the organisation when nobody is."""
        return self.person or self.organisation

    @property
    def above(self) -> str:
        """The organisation line written above a named person ("" when there is none)."""
        return self.organisation if self.person else ""

    @property
    def salutation(self) -> str:
        """The name with its honorific, without a space, as in a letter body: 佐藤 健様."""
        return f"{self.main}{self.honorific}"

    def lines(self) -> list[tuple[str, str]]:
        """(text, honorific) top to bottom: the organisation (no honorific) above a person."""
        if self.person and self.organisation:
            return [(self.organisation, ""), (self.person, self.honorific)]
        return [(self.main, self.honorific)]


def is_organisation_word(word: str) -> bool:
    return bool(_ENTITY.search(word) or _OFFICE.match(word))


def _is_department(word: str) -> bool:
    return is_organisation_word(word) or bool(_DEPARTMENT.match(word))


def addressee(name: str, override: str = "") -> Addressee:
    """Split ``name`` into organisation and person and choose the honorific.

    The leading words that name an organisation (a legal-entity word, or a word ending in an
    office or department: 〜役所, 〜課, 〜支店) are the organisation; what follows is the person.
    ``override`` ("様" or "御中", a guest's own setting) wins over the automatic choice: 御中 treats
    the whole name as an organisation, 様 keeps a named person (or the whole name) with 様."""
    name = _SPACES.sub(" ", name.strip())
    typed = _TYPED_HONORIFIC.search(name)
    if typed and len(name) > len(typed.group()):  # "山田 太郎様" typed with its honorific
        name = name[: typed.start()].rstrip()
        override = override or ("御中" if typed.group().strip() == "御中" else "様")
    words = name.split(" ") if name else []
    org_end = 0
    if words and _ENTITY.fullmatch(words[0]):
        org_end = min(2, len(words))  # "学校法人 山田学園": the entity word, then its name
    elif words and is_organisation_word(words[0]):
        org_end = 1
    elif len(words) > 1 and _ENTITY.fullmatch(words[1]):
        org_end = 2  # "まるや 株式会社 佐藤 健": the legal-entity word after the company's name
    if org_end:
        while org_end < len(words) and _is_department(words[org_end]):
            org_end += 1
    organisation = " ".join(words[:org_end])
    person = " ".join(words[org_end:])
    if override == "御中":
        return Addressee(name, "", "御中")
    if override == "様":
        return Addressee(organisation, person, "様") if person else Addressee("", name, "様")
    if organisation and person:
        return Addressee(organisation, person, "様")
    if organisation:
        return Addressee(organisation, "", "御中")
    if _ENTITY.search(name):  # "佐藤商事株式会社 本社" and other shapes without a person
        return Addressee(name, "", "御中")
    return Addressee("", name, "様")


def honorific(name: str, override: str = "") -> str:
    """様 for a person (also a person at a company), 御中 for an organisation (never both)."""
    return addressee(name, override).honorific
