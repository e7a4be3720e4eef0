"""Specific CAD-pipeline errors: subclasses of the project error tree with stable codes.

Every error names the file (and zip entry) concerned in both zh-CN and English; the
``details`` dict always carries ``file`` so the web layer can show it next to the upload.
"""

from __future__ import annotations

from typing import Any

from drawreview.errors import PayloadTooLarge, UnreadableDrawing, UnsafeArchive, UnsupportedFile


def _make(cls, name: str, zh: str, en: str, **details: Any):
    info = {"file": name, **details}
    return cls(f"{name}：{zh}", f"{name}: {en}", details=info)


class EmptyFile(UnreadableDrawing):
    code = "empty_file"


class NotADrawing(UnsupportedFile):
    code = "not_a_drawing"


class DwgNotSupported(UnsupportedFile):
    code = "dwg_not_supported"


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


def not_a_drawing(name: str, kind: str) -> NotADrawing:
    return _make(
        NotADrawing, name,
        f"不是图纸文件（内容为 {kind}），请上传 DXF、PDF 或 ZIP",
        f"not a drawing (content is {kind}); upload DXF, PDF or ZIP", kind=kind,
    )


def dwg_not_supported(name: str, version: str) -> DwgNotSupported:
    return _make(
        DwgNotSupported, name,
        f"DWG 文件（{version}）不能直接审查，请在 CAD 中另存为 DXF 后上传",
        f"DWG files ({version}) cannot be reviewed directly; export it as DXF in your CAD program and upload the DXF",
        version=version,
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
