"""The checks on an XLSX file's zip before anything is unpacked: its directory, and what each part declares.

Before zipfile parses the directory (building an object for its every entry), the end-of-directory
record gives the number of parts; then each part and all of them must declare an unpacked size within
the limits, none packed suspiciously tight, none encrypted, only deflate or stored (zipfile never
returns more of such a part than it declares).
"""
from __future__ import annotations

import struct
import zipfile
from typing import BinaryIO

from .limits import MB, Limits, exceeded

RATIO_FROM = MB                # smaller parts (styles, themes) are not judged by their packing
_TAIL = 22 + 65_535            # the end-of-directory record and the longest zip comment


class Unreadable(Exception):
    """Not a workbook this reader understands (the detail goes into import.problems.unreadable_xlsx)."""


def check_directory(handle: BinaryIO, size: int, limits: Limits) -> None:
    """The zip's end-of-directory record, read before zipfile parses the directory (whose every entry it
    would otherwise build an object for): the number of parts and the directory's size."""
    handle.seek(max(0, size - _TAIL))
    tail = handle.read(_TAIL)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise Unreadable("BadZipFile")
    entries, directory = struct.unpack("<HI", tail[at + 10:at + 16])
    if (entries == 0xFFFF or directory == 0xFFFFFFFF) and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
        handle.seek(struct.unpack("<Q", tail[at - 12:at - 4])[0])
        record = handle.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            entries, directory = struct.unpack("<QQ", record[32:48])
    if entries > limits.zip_members:
        raise exceeded("too_many_parts", count=entries, limit=limits.zip_members)
    if directory > 1024 * max(limits.zip_members, 1):
        raise Unreadable("zip directory")


def check_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    """What the parts declare: each part and all of them within the unpacked limit, none packed suspiciously
    tight, none encrypted or packed in a way zipfile would unpack without a bound (bzip2, lzma)."""
    members = archive.infolist()
    if len(members) > limits.zip_members:
        raise exceeded("too_many_parts", count=len(members), limit=limits.zip_members)
    limit_mb = limits.uncompressed_bytes // MB
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise Unreadable("encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Unreadable(f"compression {info.compress_type}")
        if info.file_size > limits.uncompressed_bytes:
            raise exceeded("part_too_large", part=info.filename, size=megabytes(info.file_size), limit=limit_mb)
        if info.file_size >= RATIO_FROM and info.file_size > limits.compression_ratio * max(info.compress_size, 1):
            raise exceeded("compression_ratio", part=info.filename, ratio=info.file_size // max(info.compress_size, 1),
                           limit=limits.compression_ratio)
        total += info.file_size
    if total > limits.uncompressed_bytes:
        raise exceeded("workbook_too_large", size=megabytes(total), limit=limit_mb)


def megabytes(size: int) -> float:
    return round(size / MB, 1)
