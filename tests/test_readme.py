"""The README is for a new user (issue 15): it lists every error code, links nothing outside the
repository (every relative link resolves), and every subcommand it documents exists."""

from __future__ import annotations

import re

from nianbao.cli import build_parser
from nianbao.errors import ErrorCode
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_error_code_with_its_family() -> None:
    from nianbao.errors import NianbaoError

    for code in ErrorCode:
        row = re.search(rf"^\| `{code.value}` \| `(\w+)` \|", README, re.M)
        assert row is not None, f"{code.value} is not in the README's table of codes"
        assert type(NianbaoError(code.value, "x")).__name__ == row.group(1)


def test_readme_links_only_inside_the_repository() -> None:
    for target in re.findall(r"\]\(([^)]+)\)", README):
        assert not re.match(r"[a-z]+:", target), f"outside link: {target}"
        path = target.split("#")[0]
        if path:
            resolved = (ROOT / path).resolve()
            assert resolved.is_relative_to(ROOT.resolve()), f"link out of the repository: {target}"
            assert resolved.exists(), f"broken link: {target}"
    assert not re.search(r"<https?://", README)


def test_every_documented_command_exists() -> None:
    documented = set(re.findall(r"^### `nianbao (\w+)", README, re.M))
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert documented <= set(sub.choices), documented - set(sub.choices)  # type: ignore[arg-type]
    assert set(sub.choices) <= documented | {"version"}, set(sub.choices) - documented  # type: ignore[arg-type]
