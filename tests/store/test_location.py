"""A database on a network share is refused with an explanation. The detection is fed real
``/proc/mounts`` lines (a NAS over NFS and SMB, sshfs, a local ext4, ntfs-3g on a USB disk),
Windows paths and macOS file-system names."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.i18n import set_language
from shopcrm.store import location, open_db
from shopcrm.store.errors import UnsafeLocation

# Lines as /proc/self/mounts writes them (long option lists shortened).
PROC_MOUNTS = r"""sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/nvme0n1p2 / ext4 rw,relatime,errors=remount-ro 0 0
/dev/nvme0n1p1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077,codepage=437 0 0
tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=1626848k,mode=755,inode64 0 0
nas.local:/volume1/shop /mnt/nas nfs4 rw,relatime,vers=4.1,hard,proto=tcp,addr=192.168.1.10 0 0
//nas.local/share /mnt/smb\040share cifs rw,relatime,vers=3.1.1,username=shop,uid=1000 0 0
shop@server:/home/shop /home/shop/remote fuse.sshfs rw,nosuid,nodev,user_id=1000 0 0
/dev/sdb1 /media/shop/USB fuseblk rw,nosuid,nodev,allow_other 0 0
/dev/nvme0n1p3 /mnt/nas/local-cache ext4 rw,relatime 0 0
gvfsd-fuse /run/user/1000/gvfs fuse.gvfsd-fuse rw,nosuid,nodev 0 0
"""


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("/home/shop/shopcrm/shopcrm.db", False),
        ("/mnt/nas/shopcrm.db", True),
        ("/mnt/nas/local-cache/shopcrm.db", False),  # a local disk mounted inside the share
        ("/mnt/nasty/shopcrm.db", False),  # not under /mnt/nas
        ("/mnt/smb share/shop/shopcrm.db", True),  # \040 is a space
        ("/home/shop/remote/shopcrm.db", True),
        ("/media/shop/USB/shopcrm.db", False),  # ntfs-3g on a USB disk is local
        ("/run/user/1000/gvfs/smb-share:server=nas,share=x/shopcrm.db", True),
        ("/boot/efi/x.db", False),
    ],
)
def test_linux_mount_table(path, network):
    mount = location.mount_of(path, location.parse_mounts(PROC_MOUNTS))
    assert mount is not None
    assert location.is_network_type(mount[2]) is network


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (r"\\NAS\share\shopcrm.db", "UNC"),
        (r"\\?\UNC\NAS\share\shopcrm.db", "UNC"),
        ("//NAS/share/shopcrm.db", "UNC"),
        (r"Z:\shop\shopcrm.db", "Z:"),  # a mapped network drive
        (r"C:\Users\shop\AppData\Local\shopcrm\shopcrm.db", None),
        (r"\\?\C:\Users\shop\shopcrm.db", None),
    ],
)
def test_windows_paths(path, kind):
    remote_drives = {"Z:\\": 4}  # GetDriveTypeW: 4 = DRIVE_REMOTE, 3 = DRIVE_FIXED
    assert location.windows_network_kind(path, lambda root: remote_drives.get(root, 3)) == kind


@pytest.mark.parametrize(
    ("fstype", "network"),
    [("apfs", False), ("hfs", False), ("smbfs", True), ("nfs", True), ("afpfs", True),
     ("webdav", True), ("macfuse", True), ("msdos", False), ("exfat", False)],
)  # fmt: skip
def test_macos_file_system_names(fstype, network):
    assert location.is_network_type(fstype) is network


@pytest.fixture
def on_nfs(tmp_path, monkeypatch):
    """This test's folder appears in the mount table as an NFS share (a real mounts file)."""
    mounts = tmp_path / "mounts"
    mounts.write_text(
        PROC_MOUNTS + f"nas.local:/volume1/x {tmp_path.resolve()}/nas nfs4 rw,relatime 0 0\n"
    )
    monkeypatch.setattr(location, "MOUNTS_FILE", mounts)
    monkeypatch.setattr(location.sys, "platform", "linux")
    (tmp_path / "nas").mkdir()
    return tmp_path / "nas"


def test_opening_a_database_on_a_share_is_refused_with_the_reason(on_nfs, tmp_path):
    set_language("ja")
    with pytest.raises(UnsafeLocation) as err:
        open_db(on_nfs / "shopcrm.db")
    message = str(err.value)
    assert "ネットワーク共有上にあります(nfs4 (nas.local:/volume1/x on" in message
    assert "ローカルのフォルダにコピーし" in message
    assert not (on_nfs / "shopcrm.db").exists()  # nothing was created there
    open_db(tmp_path / "local.db").close()  # beside the share, on the local disk: fine


def test_the_command_line_says_so(on_nfs):
    result = CliRunner().invoke(cli, ["--db", str(on_nfs / "shopcrm.db"), "customers", "list"])
    assert result.exit_code != 0
    assert "is on a network share (nfs4" in result.output
    assert "Traceback" not in result.output
