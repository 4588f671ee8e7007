"""The IPC objects on this machine, so a test can say nothing was left behind."""
import glob
import os
import subprocess
import tempfile


def ensure_mqueue():
    """Mount the mqueue filesystem where we may, so POSIX queues are visible."""
    if os.path.ismount("/dev/mqueue"):
        return True
    try:
        os.makedirs("/dev/mqueue", exist_ok=True)
        subprocess.run(["mount", "-t", "mqueue", "none", "/dev/mqueue"],
                       check=True, capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError):
        return False


def _ipcs(kind):
    out = subprocess.run(["ipcs", kind], capture_output=True, text=True).stdout
    ids = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[1].isdigit():
            ids.add(parts[1])
    return ids


def take():
    tmp = os.environ.get("TMPDIR") or tempfile.gettempdir()
    return {
        "sysv-msg": _ipcs("-q"),
        "sysv-shm": _ipcs("-m"),
        "sysv-sem": _ipcs("-s"),
        "dev-shm": set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set(),
        "dev-mqueue": set(os.listdir("/dev/mqueue")) if os.path.ismount("/dev/mqueue") else set(),
        "tmp": set(glob.glob(os.path.join(tmp, "ipcbench-*"))) | set(glob.glob("/tmp/ipcbench-*")),
    }


def diff(before, after):
    """What appeared between two censuses, as a sentence; empty when nothing."""
    parts = []
    for key in before:
        new = after[key] - before[key]
        if new:
            parts.append("%s: %s" % (key, ", ".join(sorted(new))))
    return "; ".join(parts)
