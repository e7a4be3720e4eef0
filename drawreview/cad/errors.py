"""Specific CAD-pipeline errors: subclasses of the project error tree with stable codes.

Every error names the file (and zip entry) concerned in both zh-CN and English; the
``details`` dict always carries ``file`` so the web layer can show it next to the upload.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from drawreview.errors import PayloadTooLarge, UnreadableDrawing, UnsafeArchive, UnsupportedFile


def _make(cls, name: str, zh: str, en: str, **details: Any):
    info = {"file": name, **details}
    return cls(f"{name}：{zh}", f"{name}: {en}", details=info)


MAX_LISTED_ENTRIES = 50  # refused entries an archive's row lists one by one


def rejected_entries(archive: str, errors: list, accepted: int) -> dict:
    """The stored error of an archive some of whose entries were refused (``errors``: intake's
    EntryError list): how many, how many for each reason, and the first ``MAX_LISTED_ENTRIES``
    with their own messages. Every one was listed before: a zip of 20,000 text files made a 12 MB
    row, sent with every file list and project page and each poll of it (decision 134)."""
    n, listed = len(errors), [e.as_dict() for e in errors[:MAX_LISTED_ENTRIES]]
    zh = f"{archive}：压缩包中有 {n} 个文件被拒绝，其余文件已接收"
    en = f"{archive}: {n} entries of the archive were rejected; the others were accepted"
    if n > len(listed):
        zh += f"（列出前 {len(listed)} 个，其余 {n - len(listed)} 个原因相同或相近，未逐一列出）"
        en += f" (the first {len(listed)} are listed; {n - len(listed)} more are not listed one by one)"
    return {"code": "archive_entries_rejected", "messages": {"zh-CN": zh, "en": en},
            "details": {"file": archive, "rejected": n, "accepted": accepted, "listed": len(listed),
                        "by_code": dict(Counter(e.error.code for e in errors))},
            "entries": listed}


class EmptyFile(UnreadableDrawing):
    code = "empty_file"


class NotADrawing(UnsupportedFile):
    code = "not_a_drawing"


class Utf16Dxf(UnsupportedFile):
    code = "dxf_utf16"


class EncryptedPdf(UnsupportedFile):
    code = "encrypted_pdf"


class BrokenDrawing(UnreadableDrawing):
    code = "broken_drawing"


class NoDrawableContent(UnreadableDrawing):
    code = "no_drawable_content"


class CorruptArchive(UnreadableDrawing):
    code = "corrupt_archive"


class ZipBomb(UnsafeArchive):
    code = "zip_bomb"


class UnsafePath(UnsafeArchive):
    code = "unsafe_path"


class EntryNameTooLong(UnsafeArchive):
    code = "entry_name_too_long"


class BadEntry(UnreadableDrawing):
    code = "bad_entry"


class SymlinkEntry(UnsafeArchive):
    code = "symlink_entry"


class TooManyEntries(UnsafeArchive):
    code = "too_many_entries"


class EncryptedEntry(UnsupportedFile):
    code = "encrypted_entry"


class NestedArchive(UnsupportedFile):
    code = "nested_archive"


class ArchiveTooLarge(PayloadTooLarge):
    code = "archive_too_large"


class FileTooLarge(PayloadTooLarge):
    code = "file_too_large"


def empty_file(name: str) -> EmptyFile:
    return _make(EmptyFile, name, "文件为空（0 字节）", "the file is empty (0 bytes)")


# what a refused file holds, in the zh-CN message (the English message keeps the kind as found)
KIND_ZH = {
    "JPEG image": "JPEG 图片", "PNG image": "PNG 图片", "GIF image": "GIF 图片", "TIFF image": "TIFF 图片",
    "BMP image": "BMP 图片", "RAR archive": "RAR 压缩包", "7-Zip archive": "7-Zip 压缩包",
    "gzip archive": "gzip 压缩包", "Office document": "Office 文档", "RTF document": "RTF 文档",
    "Word document": "Word 文档", "Excel workbook": "Excel 工作簿", "PowerPoint presentation": "PowerPoint 演示文稿",
    "Visio drawing": "Visio 绘图", "OpenDocument file": "OpenDocument 文档", "EPUB e-book": "EPUB 电子书",
    "unknown data": "无法识别的二进制数据", "text": "纯文本",
}


def not_a_drawing(name: str, kind: str) -> NotADrawing:
    return _make(
        NotADrawing, name,
        f"不是图纸文件（内容为{KIND_ZH.get(kind, kind)}），请上传 DWG、DXF、PDF 或 ZIP",
        f"not a drawing (content is {kind}); upload DWG, DXF, PDF or ZIP", kind=kind,
    )


def utf16_dxf(name: str) -> Utf16Dxf:
    return _make(
        Utf16Dxf, name, "DXF 以 UTF-16（Unicode 文本）编码保存，CAD 软件和本系统都无法读取；请在 CAD 中另存为 DXF 后重新上传",
        "the DXF is saved as UTF-16 (Unicode text), which neither CAD programs nor drawreview read; "
        "save it again from CAD as DXF and upload that",
    )


def encrypted_pdf(name: str) -> EncryptedPdf:
    return _make(
        EncryptedPdf, name, "PDF 已加密或设置了打开密码，请上传未加密的 PDF",
        "the PDF is encrypted or password-protected; upload an unencrypted PDF",
    )


def broken_drawing(name: str, reason: str) -> BrokenDrawing:
    return _make(
        BrokenDrawing, name, f"图纸文件已损坏，无法读取（{reason}）",
        f"the drawing file is damaged and cannot be read ({reason})", reason=reason,
    )


def no_drawable_content(name: str) -> NoDrawableContent:
    return _make(
        NoDrawableContent, name, "图纸中没有可显示的内容", "the drawing has no drawable content",
    )


class TruncatedDrawing(UnreadableDrawing):
    code = "truncated_drawing"


def truncated_drawing(name: str) -> TruncatedDrawing:
    return _make(
        TruncatedDrawing, name, "图纸文件不完整（被截断，可能上传中断），请重新上传完整文件",
        "the drawing file is incomplete (truncated, perhaps an interrupted upload); upload the complete file",
    )


# -- DWG (cad/dwg.py) -------------------------------------------------------------------------
class DwgVersionUnsupported(UnsupportedFile):
    code = "dwg_version_unsupported"


class UnreadableDwg(UnreadableDrawing):
    code = "dwg_unreadable"


class DwgTooComplex(UnreadableDrawing):
    code = "dwg_too_complex"


class DwgOnlyCustomObjects(UnreadableDrawing):
    code = "dwg_only_custom_objects"


def dwg_version_unsupported(name: str, code: str, release: str, newer: bool) -> DwgVersionUnsupported:
    when_zh, when_en = ("高于", "newer than") if newer else ("早于", "older than")
    return _make(
        DwgVersionUnsupported, name,
        f"DWG 版本 {release}（{code}）{when_zh}系统支持的范围（R14 至 R2018，AC1014–AC1032），"
        "请在 CAD 中另存为 AutoCAD 2018 DWG 或 DXF 后上传",
        f"DWG version {release} ({code}) is {when_en} what drawreview reads (R14 to R2018, AC1014–AC1032); "
        "save it as an AutoCAD 2018 DWG or as DXF in your CAD program and upload that",
        version=code, release=release,
    )


def dwg_unreadable(name: str, version: str, reason: str) -> UnreadableDwg:
    return _make(
        UnreadableDwg, name, f"DWG 文件（{version}）已损坏，无法读取（{reason}）",
        f"the DWG file ({version}) is damaged and cannot be read ({reason})", version=version, reason=reason,
    )


def dwg_truncated(name: str, version: str, reason: str) -> TruncatedDrawing:
    return _make(
        TruncatedDrawing, name,
        f"DWG 文件（{version}）不完整（被截断，可能上传中断：{reason}），请重新上传完整文件",
        f"the DWG file ({version}) is incomplete (truncated, perhaps an interrupted upload: {reason}); "
        "upload the complete file", version=version, reason=reason,
    )


def dwg_too_complex(name: str, reason: str, limit: str) -> DwgTooComplex:
    return _make(
        DwgTooComplex, name,
        f"DWG 文件超出处理上限（{reason}），请拆分图纸或清理（PURGE）无用对象后重新上传",
        f"the DWG file exceeds a processing limit ({reason}); split the drawing or purge unused objects "
        "and upload again", reason=reason, limit=limit,
    )


def dwg_only_custom_objects(name: str, lost_zh: str, lost_en: str, lost: dict) -> DwgOnlyCustomObjects:
    return _make(
        DwgOnlyCustomObjects, name,
        f"DWG 中没有可显示的标准图元，只有转换无法保留的对象：{lost_zh}",
        f"the DWG holds no standard entities to draw, only objects the conversion cannot carry: {lost_en}",
        lost=lost,
    )
