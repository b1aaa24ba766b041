"""DOC, WPS, RTF, XLS, ET and OpenDocument files, converted by LibreOffice headless to
DOCX or XLSX and then read by those readers.

Each conversion runs in its own temporary directory (removed afterwards, whatever
happens) with a timeout. LibreOffice profiles are kept in the user's cache directory
so that a conversion does not pay for a fresh profile; a profile is used by one
conversion at a time (a file lock), and a fresh one forbids macros and link updates,
so that a hostile document neither runs code nor fetches anything.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from nianbao.document import Document
from nianbao.errors import E_CORRUPT, E_ENCRYPTED, E_TIMEOUT, E_UNSUPPORTED, NianbaoError
from nianbao.readers.base import Reader
from nianbao.readers.limits import Limits

_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse">\
<value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse">\
<value>1</value></prop></item>
</oor:items>
"""

# what a file is (by its bytes) → (name shown as the format, LibreOffice target)
_WORD, _SHEET = "docx", "xlsx"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def kind(data: bytes) -> tuple[str, str]:
    """(format name, conversion target) of an OLE2, RTF or OpenDocument file."""
    if data.lstrip()[:5] == b"{\\rtf":
        _refuse_unbalanced(data)
        return "rtf", _WORD
    if data[:4] == b"PK\x03\x04":
        return _odf_kind(data)
    return _ole_kind(data)


def _refuse_unbalanced(data: bytes) -> None:
    """RTF groups nest in braces: a file cut short leaves some open (LibreOffice would
    read the part that is there without a word)."""
    body = re.sub(rb"\\[\\{}]", b"", data)
    if body.count(b"{") != body.count(b"}"):
        raise NianbaoError(E_CORRUPT, "RTF 文件不完整（括号不配对，可能被截断）")


def _odf_kind(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            mime = zf.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in zf.namelist() else ""
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise NianbaoError(E_CORRUPT, f"OpenDocument 文件已损坏（{e}）") from None
    if "spreadsheet" in mime:
        return "ods", _SHEET
    if "text" in mime or not mime:
        return "odt", _WORD
    raise NianbaoError(E_UNSUPPORTED, f"不支持的 OpenDocument 类型（{mime}）")


def _ole_kind(data: bytes) -> tuple[str, str]:
    import olefile  # type: ignore[import-untyped]

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as e:  # olefile raises several kinds on broken files
        raise NianbaoError(E_CORRUPT, f"Office 文件已损坏或不完整（{type(e).__name__}）") from None
    with ole:
        if ole.exists("EncryptedPackage"):
            raise NianbaoError(E_ENCRYPTED, "Office 文件已加密，需要密码才能打开")
        if ole.exists("WordDocument"):
            fib = ole.openstream("WordDocument").read(12)
            if len(fib) >= 12 and int.from_bytes(fib[10:12], "little") & 0x0100:
                raise NianbaoError(E_ENCRYPTED, "Word 文件已加密，需要密码才能打开")
            return "doc", _WORD
        if ole.exists("Workbook") or ole.exists("Book"):
            return "xls", _SHEET
    raise NianbaoError(E_UNSUPPORTED, "不支持的 OLE 文件（既不是 Word 文档也不是 Excel 工作簿）")


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nianbao" / "libreoffice"


@contextlib.contextmanager
def _profile() -> Iterator[Path]:
    """A LibreOffice profile no other conversion is using: a free slot if there is one,
    else wait for one (one slot per core)."""
    root = _cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    slots = max(os.cpu_count() or 1, 1)
    handle = None
    chosen = root / f"profile-{os.getpid() % slots}"
    for i in range(slots):
        f = (root / f"profile-{i}.lock").open("a")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            continue
        handle, chosen = f, root / f"profile-{i}"
        break
    if handle is None:
        handle = (root / f"{chosen.name}.lock").open("a")
        fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        settings = chosen / "user" / "registrymodifications.xcu"
        if not settings.exists():
            settings.parent.mkdir(parents=True, exist_ok=True)
            settings.write_text(_PROFILE_SETTINGS, encoding="utf-8")
        yield chosen
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def convert(data: bytes, suffix: str, target: str, timeout_s: float) -> bytes:
    """Convert a document with LibreOffice headless (target: docx, xlsx, pdf…)."""
    exe = soffice()
    if exe is None:
        raise NianbaoError(E_UNSUPPORTED, "需要 LibreOffice 才能读取此格式（未安装 soffice）")
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp, _profile() as profile:
        src = Path(tmp) / f"input.{suffix}"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", "--convert-to", target, "--outdir", str(out), str(src)]
        # its own temporary files go inside ours, so that even a killed run leaves nothing behind
        env = {**os.environ, "HOME": tmp, "TMPDIR": tmp, "SAL_USE_VCLPLUGIN": "svp"}
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise NianbaoError(E_TIMEOUT, f"LibreOffice 转换超时（超过 {timeout_s:.0f} 秒）") from None
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # nothing of the conversion outlives it
        result = out / f"input.{target.split(':')[0]}"
        if proc.returncode != 0 or not result.exists():
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {proc.returncode}"]
            raise NianbaoError(E_CORRUPT, f"LibreOffice 无法转换此文件，文件可能已损坏（{detail[0][:200]}）")
        return result.read_bytes()


def read(data: bytes, limits: Limits) -> Document:
    from nianbao.readers import docx, xlsx

    fmt, target = kind(data)
    converted = convert(data, fmt, target, limits.timeout_s)
    reader: Reader = docx if target == _WORD else xlsx
    doc = reader.read(converted, limits)
    doc.format = fmt
    doc.meta["converted_by"] = "libreoffice"
    return doc
