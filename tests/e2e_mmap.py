#!/usr/bin/env python3
"""mmap's file: --file-dir puts it where asked, 0600, and it is gone after
the run; without it the file is in a private 0700 directory under TMPDIR;
--msync runs; meta.json names the directory's file system; `ipcbench
cleanup` removes the file a killed run left in TMPDIR."""
import csv
import glob
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402,F401  (its ledger copy is how testlib.sides knows a run)
from testlib import check, children, finish, gone, run, sides  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp(prefix="e2e-mmap-")


def rows(out):
    with open(os.path.join(out, "summary.csv")) as f:
        return list(csv.DictReader(f))


def fs_type(path):
    """what stat calls the file system, in meta.json's spelling"""
    t = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True,
                       text=True).stdout.strip()
    return {"ext2/ext3": "ext4", "overlay": "overlayfs"}.get(t, t)


def watch(args, env, where):
    """Start a run, and return (process, what `where` holds while its sides
    exist): they are held stopped for the look, so the run cannot end first
    (its file is made before they are forked and removed after they end)."""
    p = subprocess.Popen([BIN, *args], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    pair = sides(p.pid, 2, barrier=False)
    for k in pair:
        os.kill(k, signal.SIGSTOP)
    seen = where(p.pid) if len(pair) == 2 else []
    for k in pair:
        os.kill(k, signal.SIGCONT)
    return p, seen


def modes(paths):
    """(path, mode) of each, once the run's file is among them"""
    got = [(x, os.stat(x).st_mode) for x in paths if os.path.exists(x)]
    return got if any(stat.S_ISREG(m) for _, m in got) else []


env = dict(os.environ)
# --- --file-dir: the file itself, named for the run, 0600, removed after
fdir = os.path.join(work, "files")
os.mkdir(fdir)
out = os.path.join(work, "filedir")
p, seen = watch(["-t", "mmap", "-s", "64", "-p", "pingpong", "-d", "2s", "-q", "--file-dir",
                 fdir, "-o", out], env,
                lambda pid: glob.glob(os.path.join(fdir, "ipcbench-%d-*" % pid)))
check(p.wait(timeout=60) == 0, "a run with --file-dir succeeds")
check(len(seen) == 1,
      "--file-dir: the run's file is in the directory (saw %s)" % seen)
check(not os.listdir(fdir), "--file-dir: the file is gone after the run (%s)" % os.listdir(fdir))
meta = json.load(open(os.path.join(out, "meta.json")))
check(meta["plan"].get("mmap_file_dir") == fdir, "meta.json's plan names --file-dir (%s)"
      % meta["plan"].get("mmap_file_dir"))
check(meta["environment"].get("mmap_fs_type") == fs_type(fdir),
      "meta.json names the file system (%s, stat says %s)"
      % (meta["environment"].get("mmap_fs_type"), fs_type(fdir)))

# --- the file's mode, and the private directory's, while a run holds them
tmp = os.path.join(work, "tmpdir")
os.mkdir(tmp)
env_tmp = dict(env, TMPDIR=tmp)
p, seen = watch(["-t", "mmap", "-s", "64", "-p", "pingpong", "-d", "2s", "-q", "-o",
                 os.path.join(work, "private")], env_tmp,
                lambda pid: modes(glob.glob(os.path.join(tmp, "ipcbench-%d-*" % pid)) +
                                  glob.glob(os.path.join(tmp, "ipcbench-%d-*/*" % pid))))
check(p.wait(timeout=60) == 0, "a run in a private directory succeeds")
dirs = [m for x, m in seen if stat.S_ISDIR(m)]
files = [m for x, m in seen if stat.S_ISREG(m)]
check(dirs and all(stat.S_IMODE(m) == 0o700 for m in dirs),
      "the private directories are 0700 (%s)" % [oct(m) for m in dirs])
check(len(files) == 1 and stat.S_IMODE(files[0]) == 0o600,
      "the file in it is 0600 (%s)" % [oct(m) for m in files])
check(not os.listdir(tmp), "the private directory is gone after the run (%s)"
      % os.listdir(tmp))

# --- /dev/shm is tmpfs
if os.access("/dev/shm", os.W_OK):
    out = os.path.join(work, "devshm")
    r = run("-t", "mmap", "-s", "64", "-n", "500", "-q", "--file-dir",
            "/dev/shm", "-o", out)
    meta = json.load(open(os.path.join(out, "meta.json")))
    check(r.returncode == 0 and meta["environment"].get("mmap_fs_type") == "tmpfs",
          "--file-dir /dev/shm: meta.json says tmpfs (%s)" % meta["environment"].get("mmap_fs_type"))

# --- --msync 1: every message written back; it runs and its rows are ok
out = os.path.join(work, "msync")
r = run("-t", "mmap,mmap/spin", "-s", "64,4k", "-n", "300", "-q", "--msync",
        "1", "--file-dir", fdir, "-o", out)
got = rows(out) if r.returncode == 0 else []
check(len(got) == 8 and all(x["status"] == "ok" for x in got),
      "--msync 1: every row ok (rc %d, %s)" % (r.returncode, [x["status"] for x in got]))
meta = json.load(open(os.path.join(out, "meta.json")))
check(meta["plan"].get("msync") == 1, "meta.json's plan has msync 1")
r = run("-t", "mmap", "--msync", "x")
check(r.returncode == 2 and "--msync" in r.stderr, "--msync x is a usage error")
r = run("-t", "mmap", "--file-dir", os.path.join(work, "none"))
check(r.returncode == 2 and "--file-dir" in r.stderr, "a missing --file-dir is a usage error")

# --- a killed run's file in TMPDIR itself (--file-dir "$TMPDIR"): cleanup removes it
p, seen = watch(["-t", "mmap", "-s", "64", "-p", "pingpong", "-n", "100M", "-q", "--file-dir",
                 tmp, "-o", os.path.join(work, "killed")], env_tmp,
                lambda pid: [x for x in glob.glob(os.path.join(tmp, "ipcbench-%d-*" % pid))
                             if os.path.isfile(x)])
kids = children(p.pid)
p.send_signal(signal.SIGKILL)
p.wait()
check(gone(kids), "the sides die with the killed driver")
check(len(seen) == 1 and os.path.exists(seen[0]), "a killed run leaves its file (%s)" % seen)
r = run("cleanup", env=env_tmp)
check(r.returncode == 0 and not os.listdir(tmp),
      "cleanup removes the killed run's file (%s; %r)" % (os.listdir(tmp), r.stdout))

subprocess.run(["rm", "-rf", work])
finish("mmap")
