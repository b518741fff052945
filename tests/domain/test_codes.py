"""Coupon codes: alphabet, check character, normalising typed input."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopcrm.domain import codes
from shopcrm.domain.codes import ALPHABET, CouponError, check_code, generate_code, normalize_code


def test_alphabet_has_no_look_alikes_and_is_prime_sized():
    assert not set("0O1IL") & set(ALPHABET)
    assert len(ALPHABET) == len(set(ALPHABET)) == 31


def test_generated_code_has_the_printed_form_and_passes_its_own_check():
    rng = random.Random(7)
    for _ in range(200):
        code = generate_code(rng)
        assert len(code) == 9 and code[4] == "-"
        assert set(code.replace("-", "")) <= set(ALPHABET)
        assert check_code(code) == code


def test_seeded_generation_is_reproducible_and_unseeded_is_random():
    assert generate_code(random.Random(3)) == generate_code(random.Random(3))
    assert len({generate_code() for _ in range(50)}) == 50


def _valid_code(seed: int) -> str:
    return generate_code(random.Random(seed)).replace("-", "")


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_every_single_substitution_is_caught(seed):
    code = _valid_code(seed)
    for i, original in enumerate(code):
        for ch in ALPHABET:
            if ch != original:
                typo = code[:i] + ch + code[i + 1 :]
                with pytest.raises(CouponError) as err:
                    check_code(typo)
                assert err.value.reason == "mistyped"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_every_adjacent_transposition_is_caught(seed):
    code = _valid_code(seed)
    for i in range(len(code) - 1):
        if code[i] == code[i + 1]:
            continue
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        assert not codes.is_valid_compact(swapped)
        with pytest.raises(CouponError):
            check_code(swapped)


def test_exhaustive_substitutions_for_a_fixed_code():
    code = _valid_code(42)
    bad = [
        code[:i] + ch + code[i + 1 :] for i in range(len(code)) for ch in ALPHABET if ch != code[i]
    ]
    assert len(bad) == 8 * 30
    assert not any(codes.is_valid_compact(b) for b in bad)


@pytest.mark.parametrize(
    "typed",
    [
        "{c}",
        "{l}",
        " {l} ",
        "{a} {b}",
        "{a}ー{b}",  # long-vowel mark from a Japanese keyboard
        "{a}－{b}",  # full-width hyphen
        "{a}\u3000{b}",  # ideographic space
        "{fw}",  # full-width letters and digits
    ],
)
def test_typed_forms_normalise_to_the_printed_code(typed):
    code = generate_code(random.Random(11))
    a, b = code.split("-")
    fw = "".join(chr(ord(ch) + 0xFEE0) for ch in code.replace("-", ""))
    text = typed.format(c=code, l=code.lower(), a=a, b=b.lower(), fw=fw)
    assert normalize_code(text) == code
    assert check_code(text) == code


def test_partial_input_normalises_as_far_as_it_goes():
    assert normalize_code("k7q") == "K7Q"
    assert normalize_code("k7qm4") == "K7QM-4"


@pytest.mark.parametrize("char", ["O", "I", "L", "0", "1"])
def test_look_alike_character_is_malformed_and_named(char):
    with pytest.raises(CouponError) as err:
        check_code("K7QM-4XR" + char.lower())
    assert err.value.reason == "malformed"
    assert err.value.field == "coupon_code"
    assert char in err.value.message


def test_wrong_length_and_foreign_characters_and_empty():
    with pytest.raises(CouponError, match="8 characters") as err:
        check_code("K7QM-4X")
    assert err.value.reason == "malformed"
    with pytest.raises(CouponError, match="#") as err:
        check_code("K7QM-4X#T")
    with pytest.raises(CouponError) as err:
        check_code("  - ")
    assert err.value.reason == "empty"


def test_messages_are_translated_in_japanese(ja):
    with pytest.raises(CouponError) as err:
        check_code("K7QM-4XRO")
    assert "「O」" in err.value.message
    assert str(err.value).startswith("クーポンコード")
