"""Reports the web tests upload: real samples, and real samples with one thing changed."""

from __future__ import annotations

from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "001_5cbb82ac5aa5eb0a.txt"  # 孟津区科技和工业信息化局 2023, no findings
NEW_ROW = "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0"
CARRIED_ROW = "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0"
SCRIPT = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def unbalanced() -> bytes:
    """The sample with 2 new applications from natural persons and nothing else changed: the
    balance of the 自然人 column and the total of the 本年新收 row no longer hold. Its first
    section also holds markup, which every page must show as text."""
    text = sample_text()
    assert NEW_ROW in text
    text = text.replace(NEW_ROW, NEW_ROW.replace("\t\t0", "\t\t2", 1))
    return text.replace("## 一、总体情况\n", f"## 一、总体情况\n\n{SCRIPT}\n", 1).encode("utf-8")


def unbalanced_line() -> int:
    """The line of the changed row in ``unbalanced()`` (1-based)."""
    lines = unbalanced().decode("utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if line.startswith("一、本年新收"))


def previous_year() -> bytes:
    """The sample as the 2022 report of the same agency, which carried 1 application forward
    (自然人) that the 2023 report does not carry over."""
    text = sample_text()
    assert CARRIED_ROW in text
    carried = CARRIED_ROW.replace("\t\t0", "\t\t1", 1)
    carried = carried[: carried.rindex("\t0")] + "\t1"
    return text.replace("2023", "2022").replace(CARRIED_ROW, carried).encode("utf-8")


# ---- data files of `nianbao render`, with one total typed wrong --------------------------------

EXAMPLE = SAMPLES.parent / "render" / "example-2024.yaml"  # 示例县科学技术局 2024, no findings
RESULTS_TOTAL = "    results_total: {natural_person: 5, business: 2, total: 7}"


def wrong_total_yaml() -> tuple[bytes, int]:
    """The example data file with its 办理结果总计 for natural persons typed as 9 (the results add
    up to 5), and that line's number (1-based)."""
    lines = EXAMPLE.read_text(encoding="utf-8").split("\n")
    at = lines.index(RESULTS_TOTAL)
    lines[at] = RESULTS_TOTAL.replace("natural_person: 5", "natural_person: 9")
    return "\n".join(lines).encode("utf-8"), at + 1


def wrong_total_workbook() -> tuple[bytes, str]:
    """The workbook `nianbao render --template-xlsx` writes for the example, with 99 typed over the
    formula of the （七）总计 row's 自然人 cell on 表三, and that cell's address."""
    import io

    from openpyxl import load_workbook

    from nianbao.render import workbook
    from nianbao.render.inputs import load_file

    book = load_workbook(io.BytesIO(workbook.write("2021", load_file(EXAMPLE))))
    sheet = book["表三"]
    row = next(r for r in range(1, sheet.max_row + 1) if "（七）总计" in [sheet.cell(r, c).value for c in (1, 2, 3)])
    address = f"D{row}"
    assert str(sheet[address].value).startswith("=SUM(")
    sheet[address] = 99
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), address
