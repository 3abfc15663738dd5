"""Guards for zip-based formats (.docx, .xlsx): no decompression bombs, no path tricks."""
from __future__ import annotations

import io
import zipfile
import zlib

MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10_000


def check_zip(data: bytes) -> str | None:
    """Return a reason the archive is unsafe or corrupt, or None if it may be opened."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return "it is not a zip archive (a .docx or .xlsx file is one)"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                return f"the archive has {len(infos)} members"
            total = sum(i.file_size for i in infos)
            packed = max(sum(i.compress_size for i in infos), 1)
            if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
                return f"the archive would expand to {total / 1e6:.0f} MB (a decompression bomb?)"
            for info in infos:
                name = info.filename
                parts = name.replace("\\", "/").split("/")
                if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:  # 'C:/...' too
                    return f"the archive has an unsafe member path '{name}'"
            bad = zf.testzip()
            if bad is not None:
                return f"member '{bad}' is corrupt"
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError) as err:
        return f"the archive is corrupt ({err})"
    return None
