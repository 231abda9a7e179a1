"""The README's example is a test: extracted as written and run by pytest, here."""

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_example_passes(pytester):
    websockets = pytest.importorskip("websockets")
    version = tuple(int(p) for p in websockets.__version__.split(".")[:2])
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks, "the README has a python example"
    pytester.makepyfile(test_readme_example="\n".join(blocks))
    result = pytester.runpytest_subprocess()
    # As the README says: it fails where the bug is, and passes from 13.1.
    if (11, 0) <= version < (13, 1):
        result.assert_outcomes(failed=1)
    else:
        result.assert_outcomes(passed=1)
