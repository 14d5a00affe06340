"""The suite gives the same answer twice on the same commit (issue 18, item 7): every property and
fuzz test (hypothesis, and schemathesis through it) is derandomized unless `make fuzz` asks for
new random examples; the few tests drawing with `random` use fixed seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import settings

from tests.conftest import PROFIL_HYPOTHESIS

TESTS = Path(__file__).resolve().parent


@pytest.mark.skipif(PROFIL_HYPOTHESIS == "fuzz", reason="make fuzz draws new examples on purpose")
def test_hypothesis_derives_its_examples_from_the_test_and_keeps_no_database():
    assert settings.default.derandomize is True
    assert settings.default.database is None


def test_no_test_seeds_itself_from_the_clock_or_the_system():
    """`random` only through random.Random(a fixed seed); no hypothesis seed chosen per run."""
    problemes = []
    for chemin in TESTS.rglob("*.py"):
        if chemin.name == "test_determinisme.py":
            continue
        source = chemin.read_text(encoding="utf-8")
        if re.search(r"random\.Random\(\s*\)|\brandom\.(random|randint|choice|choices|shuffle|sample|seed)\(", source):
            problemes.append(f"{chemin.relative_to(TESTS)}: module-level random (use random.Random(fixed seed))")
        if re.search(r"derandomize\s*=\s*False|@seed\(|--hypothesis-seed", source) and chemin.name != "conftest.py":
            problemes.append(f"{chemin.relative_to(TESTS)}: overrides the deterministic hypothesis profile")
    assert not problemes, problemes


def test_make_fuzz_runs_every_property_and_fuzz_test():
    makefile = (TESTS.parent / "Makefile").read_text(encoding="utf-8")
    bloc = re.search(r"^FUZZ_TESTS :=((?:.*\\\n)*.*)$", makefile, re.MULTILINE)
    assert bloc, "FUZZ_TESTS missing from the Makefile"
    listes = set(bloc.group(1).replace("\\\n", " ").split())
    avec_given = {
        str(chemin.relative_to(TESTS.parent))
        for chemin in TESTS.rglob("test_*.py")
        if re.search(r"^from hypothesis import .*\bgiven\b", chemin.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert avec_given <= listes, sorted(avec_given - listes)
