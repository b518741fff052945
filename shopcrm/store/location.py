"""Where the database may live: never on a network share.

SQLite documents that its file locks do not work reliably over network filesystems, and WAL mode
(which shopcrm uses) needs shared memory that a network share cannot provide, so two PCs opening
``shopcrm.db`` on a NAS can corrupt it, while the OS lock quietly "succeeds". ``open_db`` and
the app's start call ``refuse_network_location``; backups may go anywhere (a NAS is a good
place for copies).

Detection, per platform, with the parsing kept in pure functions that tests feed real lines:
- Linux: the longest mount point in ``/proc/self/mounts`` that holds the path, and its type
  (nfs, nfs4, cifs, smb3, smbfs, 9p, afs, ceph, glusterfs, davfs, sshfs and other FUSE mounts);
- macOS: ``statfs()``'s ``f_fstypename`` (nfs, smbfs, afpfs, webdav, macfuse ...);
- Windows: UNC paths (``\\\\server\\share``) and drives that ``GetDriveTypeW`` calls remote
  (mapped network drives).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path, PurePath, PureWindowsPath

from shopcrm.i18n import _
from shopcrm.paths import DB_FILENAME, data_dir
from shopcrm.store.errors import UnsafeLocation

MOUNTS_FILE = Path("/proc/self/mounts")

NETWORK_TYPES = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph",
        "glusterfs", "lustre", "gfs2", "ocfs2", "davfs", "coda", "afpfs", "webdav", "ftp",
        "fuse", "osxfuse", "macfuse", "fusefs", "sshfs", "vboxsf", "prl_fs", "vmhgfs",
    }
)  # fmt: skip
# FUSE file systems that keep their files on this computer (encrypted or merged local folders).
LOCAL_FUSE = frozenset(
    {"fuse.encfs", "fuse.gocryptfs", "fuse.bindfs", "fuse.mergerfs", "fuse.lxcfs", "fuseblk",
     "fuse.ntfs-3g", "fuse.cryfs", "fuse.securefs", "fuse.vmware-vmblock", "fuse.portal"}
)  # fmt: skip


def is_network_type(fstype: str) -> bool:
    fstype = fstype.lower()
    if fstype in LOCAL_FUSE:
        return False
    return fstype in NETWORK_TYPES or fstype.startswith("fuse.")


def _unescape_mount(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes (``\\040``)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def parse_mounts(text: str) -> list[tuple[str, str, str]]:
    """``(source, mount point, type)`` per line of ``/proc/mounts``."""
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            mounts.append((_unescape_mount(parts[0]), _unescape_mount(parts[1]), parts[2]))
    return mounts


def mount_of(path: str, mounts: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """The mount that holds ``path`` (absolute, resolved): the longest mount point over it."""
    best = None
    for mount in mounts:
        point = mount[1].rstrip("/") or "/"
        inside = path == point or path.startswith(point if point == "/" else point + "/")
        if inside and (best is None or len(point) > len(best[1].rstrip("/") or "/")):
            best = mount
    return best


def windows_network_kind(path: str, drive_type=None) -> str | None:
    """``"UNC"`` for ``\\\\server\\share\\...`` (also ``\\\\?\\UNC\\...``), ``"Z:"`` for a drive
    that ``drive_type("Z:\\\\")`` says is remote (4, ``DRIVE_REMOTE``), else ``None``."""
    p = PureWindowsPath(path)
    text = str(p)
    if text.startswith(("\\\\?\\UNC\\", "//?/UNC/")):
        return "UNC"
    if text.startswith("\\\\?\\") or text.startswith("\\\\.\\"):
        text = text[4:]
        p = PureWindowsPath(text)
    if p.drive.startswith("\\\\"):
        return "UNC"
    is_letter = len(p.drive) == 2 and p.drive[1] == ":"
    if drive_type is not None and is_letter and drive_type(p.drive + "\\") == 4:
        return p.drive.upper()
    return None


def _windows_drive_type(root: str) -> int:
    return ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))


def _macos_fstypename(path: str) -> str | None:
    """``f_fstypename`` of ``statfs(path)`` (macOS, 64-bit ``struct statfs``)."""

    class StatFS(ctypes.Structure):
        _fields_ = [
            ("f_bsize", ctypes.c_uint32),
            ("f_iosize", ctypes.c_int32),
            ("f_blocks", ctypes.c_uint64),
            ("f_bfree", ctypes.c_uint64),
            ("f_bavail", ctypes.c_uint64),
            ("f_files", ctypes.c_uint64),
            ("f_ffree", ctypes.c_uint64),
            ("f_fsid", ctypes.c_int32 * 2),
            ("f_owner", ctypes.c_uint32),
            ("f_type", ctypes.c_uint32),
            ("f_flags", ctypes.c_uint32),
            ("f_fssubtype", ctypes.c_uint32),
            ("f_fstypename", ctypes.c_char * 16),
            ("f_mntonname", ctypes.c_char * 1024),
            ("f_mntfromname", ctypes.c_char * 1024),
            ("f_flags_ext", ctypes.c_uint32),
            ("f_reserved", ctypes.c_uint32 * 7),
        ]

    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    # x86_64 has the 64-bit-inode struct under its own symbol; arm64 only has that one.
    func = getattr(libc, "statfs$INODE64", None) or libc.statfs
    buf = StatFS()
    if func(os.fsencode(path), ctypes.byref(buf)) != 0:
        return None
    return buf.f_fstypename.decode(errors="replace")


def _existing(path: Path) -> Path:
    """``path`` or its nearest existing parent (the database may not exist yet)."""
    path = path.expanduser().absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path.resolve()


def network_filesystem(path: str | os.PathLike) -> str | None:
    """What makes ``path`` a network location (``"nfs4 on /mnt/nas"``, ``"UNC"``, ``"Z:"``),
    or ``None`` when it is on a local disk (or the OS cannot tell)."""
    raw = os.fspath(path)
    if sys.platform == "win32":
        return windows_network_kind(
            str(Path(raw).expanduser().absolute()), drive_type=_windows_drive_type
        )
    target = str(_existing(Path(raw)))
    if sys.platform == "darwin":
        fstype = _macos_fstypename(target)
        return fstype if fstype and is_network_type(fstype) else None
    try:
        text = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    mount = mount_of(target, parse_mounts(text))
    if mount and is_network_type(mount[2]):
        return f"{mount[2]} ({mount[0]} on {mount[1]})"
    return None


def refuse_network_location(path: str | os.PathLike) -> None:
    """Raise ``UnsafeLocation`` (a message for the owner) when ``path`` is on a network share."""
    if os.fspath(path) in ("", ":memory:"):
        return
    kind = network_filesystem(path)
    if kind is None:
        return

    raise UnsafeLocation(
        _(
            "The database {path} is on a network share ({kind}). shopcrm does not open it there:"
            " over a network the file cannot be locked safely, and two computers using it at"
            " once can damage it for good. Keep the database on this computer's own disk (for"
            " example {local}) and let the backups go to the network share instead. To move"
            " it: copy the file to a local folder and start shopcrm with --db and that file."
        ).format(path=PurePath(path), kind=kind, local=data_dir() / DB_FILENAME)
    )
