"""The five real samples: no false alarm; the rule registry; the CLI of `check`, `rules`, `parse --check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.checks import RULES, check_report, rules_markdown
from nianbao.cli import main
from nianbao.pipeline import parse_file
from tests.check_helpers import ROOT, SAMPLES, sample, sample_path, set_cells, with_applications

SPEC_RULES = {
    "app.balance", "app.results_sum", "app.row_total", "app.nonneg_int", "app.blank_total",
    "app.results_le_available", "appeals.group_total", "appeals.nonneg_int", "active.nonneg", "active.fees_unit",
    "active.regulations_issuer", "struct.sections", "struct.tables", "struct.version", "struct.year",
    "struct.agency", "struct.extra_rows", "struct.unreadable", "sec6.fee", "text.applications", "text.appeals",
    "text.active", "text.fees", "xyear.carry", "xyear.in_force", "xyear.identical", "pub.deadline",
    "active19.change_sign", "active19.published_le_total", "xyear.prev_items", "xyear.public_total", "struct.unfilled",
    "xyear.compared", "corpus.copied",
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name[:3])
def test_samples_raise_no_false_alarm(path: Path) -> None:
    findings = check_report(parse_file(path))
    if path.name.startswith("004"):
        # the real report's title is "政府信息公开工作年度报告" without its agency: a true warning
        assert [(f.rule, f.severity) for f in findings] == [("struct.agency", "warning")]
    else:
        assert findings == []


def test_registry() -> None:
    ids = [r.id for r in RULES]
    assert set(ids) == SPEC_RULES and len(ids) == len(set(ids))
    severities = {r.id: r.severity for r in RULES}
    assert severities["app.balance"] == "error" and severities["struct.agency"] == "warning"
    assert severities["active.fees_unit"] == "info" and severities["xyear.identical"] == "warning"
    assert all(r.description_zh for r in RULES)


def test_docs_rules_md_is_generated() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown() + "\n"


def test_cli_check_clean_samples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SAMPLES)]) == 0
    out = capsys.readouterr().out
    assert "struct.agency" in out and "标题" in out
    # last year's report is looked for in the batch; that none is there is said only when a history is given
    assert "未做跨年度核对" not in out
    assert main(["check", str(sample_path("002"))]) == 0
    assert "未发现问题" in capsys.readouterr().out


def test_cli_check_json_errors_and_unreadable_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(with_applications(extra={"applications.carried_forward.natural_person": "0"}), encoding="utf-8")
    assert main(["check", str(bad), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert [r["source"] for r in result] == [str(bad)]
    rules = [f["rule"] for f in result[0]["findings"]]
    assert rules[0] == "app.balance" and "app.row_total" in rules
    assert result[0]["findings"][0]["loc"] == {"line": 41}

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["check", str(empty), str(sample_path("002")), "--json"]) == 2
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result[0]["error"]["code"] == "E_EMPTY" and result[1]["findings"] == []
    assert "E_EMPTY" in captured.err


def test_cli_severity_and_published(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(sample_path("004"))
    assert main(["check", path, "--json", "--severity", "error", "--published", "2024-02-20"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["findings"] == []
    assert main(["check", path, "--json", "--published", "2024-02-20"]) == 0
    rules = [f["rule"] for f in json.loads(capsys.readouterr().out)[0]["findings"]]
    assert rules == ["struct.agency", "pub.deadline"]
    with pytest.raises(SystemExit):
        main(["check", path, "--published", "2024/02/20"])


def test_cli_previous_and_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = with_applications()
    (tmp_path / "2023.txt").write_text(first, encoding="utf-8")
    second = tmp_path / "2024.txt"
    second.write_text(first.replace("2023", "2024"), encoding="utf-8")  # 上年结转 0, last year carried 1 forward
    assert main(["check", str(second), "--previous", str(tmp_path / "2023.txt"), "--json"]) == 1
    via_previous = json.loads(capsys.readouterr().out)[0]["findings"]
    assert main(["check", str(second), "--history", str(tmp_path), "--json"]) == 1
    via_history = json.loads(capsys.readouterr().out)[0]["findings"]
    assert via_previous == via_history
    carry = [f for f in via_history if f["rule"] == "xyear.carry"]
    assert [f["keys"] for f in carry] == [
        ["applications.carried_over.natural_person"],
        ["applications.carried_over.total"],
    ]
    assert any(f["rule"] == "xyear.identical" for f in via_history)


def test_cli_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert all(r in out for r in SPEC_RULES)
    assert "app.balance" in out and "第一项加第二项之和等于第三项加第四项之和" in out


def test_cli_parse_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.txt"
    path.write_text(set_cells(sample("002"), {"appeals.reconsideration.upheld": "1"}), encoding="utf-8")
    assert main(["parse", str(path), "--json", "--check"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in data["findings"]] == ["appeals.group_total"]
    assert data["values"]["appeals.reconsideration.upheld"] == 1


def test_cli_unreadable_previous_still_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "last.txt"
    empty.write_bytes(b"")
    assert main(["check", str(sample_path("002")), "--previous", str(empty), "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["findings"] == [] and "E_EMPTY" in captured.err
