"""A file the command line writes (`report`, `export`): the place checked before anything is built, then the
whole content put there in one step, so a refusal or a failure part-way leaves no file and an existing file
is only replaced by a complete one."""
from __future__ import annotations

import errno
import os
import tempfile

from ..i18n import t
from .cli_parser import Failure


def check_place(path: str, lang: str) -> None:
    """Refuse, before any work, an --out whose folder is missing or which is a folder itself."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise Failure(t("reports.cli.no_dir", lang, path=folder))
    if os.path.isdir(path):
        raise Failure(t("reports.cli.cannot_write", lang, path=path, detail=os.strerror(errno.EISDIR)))


def write_whole(path: str, content: bytes, lang: str) -> None:
    """Through a temporary file beside `path`, renamed over it: readers see the old file or the new one."""
    folder = os.path.dirname(os.path.abspath(path))
    handle = None
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".kpi-report-", delete=False) as handle:
            handle.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)  # as an ordinary new file, not the temporary file's 0600
        os.replace(handle.name, path)
    except OSError as error:
        if handle is not None and os.path.exists(handle.name):
            os.unlink(handle.name)
        raise Failure(t("reports.cli.cannot_write", lang, path=path, detail=error.strerror or error)) from None
