"""Build the Linux artifacts into dist/: a portable tarball and a .deb, and print their sizes.

    python packaging/linux/build.py [--skip-freeze] [--only tar|deb|appimage]

Steps: the icon set (packaging/icons.py), the default model's ONNX graph
(packaging/export_graph.py), the frozen app (PyInstaller, packaging/photofind.spec), then
dist/photofind-VERSION-linux-ARCH.tar.xz (run in place, or ./install.sh for this user),
dist/photofind_VERSION_ARCH.deb (dpkg-deb) and dist/photofind-VERSION-ARCH.AppImage (mksquashfs
behind the AppImage runtime: $APPIMAGE_RUNTIME, else build/appimage/runtime-ARCH, which
packaging/linux/build_runtime.sh builds from its pinned sources on first use). The three are
packed side by side.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BUILD = ROOT / "build"
FROZEN = BUILD / "pyinstaller" / "dist" / "photofind"
DIST = ROOT / "dist"
sys.path.insert(0, str(ROOT))

from photofind import __version__, integration  # noqa: E402

ARCH = {"x86_64": ("x86_64", "amd64"), "aarch64": ("aarch64", "arm64")}[platform.machine()]


def run(*command: str | Path) -> None:
    shown = " ".join(str(c) for c in command[:8]) + (" ..." if len(command) > 8 else "")
    print("+", shown, flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT)


def freeze() -> None:
    python = sys.executable
    run(python, ROOT / "packaging" / "icons.py", BUILD / "icons")
    shutil.rmtree(BUILD / "models", ignore_errors=True)
    run(python, ROOT / "packaging" / "export_graph.py", BUILD / "models")
    run(
        python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", BUILD / "pyinstaller" / "dist",
        "--workpath", BUILD / "pyinstaller" / "work",
        ROOT / "packaging" / "photofind.spec",
    )  # fmt: skip


def strip_python() -> None:
    """Drop the debugging symbols of the interpreter's own libraries (~20 MB unpacked).

    Only these: PyInstaller's strip=True also strips wheels' auditwheel-repaired libraries, and
    numpy's OpenBLAS then fails to load ("ELF load command address/offset not page-aligned").
    """
    inside = FROZEN / "_internal"
    ours = [*inside.glob("libpython3*.so*"), *inside.glob("python3*/lib-dynload/*.so")]
    if ours and shutil.which("strip"):
        run("strip", "--strip-debug", *ours)


# Libraries that bundled wheels link but photofind never calls, each beside the library that
# links it: pillow-heif's libheif links the x265 HEVC *encoder* (photofind only reads HEIC,
# through libde265), and OpenCV links FFmpeg and libavif for video and image files (photofind
# uses OpenCV for ORB features only; Pillow reads the photos).
UNCALLED = {
    "pillow_heif.libs/libheif*.so*": ["pillow_heif.libs/libx265*.so*"],
    "cv2/cv2*.so": [
        f"opencv_python_headless.libs/{name}*.so*"
        for name in ("libavcodec", "libavformat", "libavutil", "libswscale", "libavif")
    ],
}


def _symbols(lib: Path, *flags: str) -> list[str]:
    out = subprocess.run(["nm", "-D", *flags, str(lib)], check=True, capture_output=True, text=True)
    return [line.split()[-1] for line in out.stdout.splitlines() if line.split()]


def stub_uncalled() -> None:
    """Replace each `UNCALLED` library by a stub of the functions its user links (each returns
    0), then drop what only those libraries needed: ~60 MB unpacked, ~12 MB of the AppImage.

    The user still loads (Python opens extensions with RTLD_NOW, so every symbol must resolve,
    with its version); a stub is never called. The symbols are read from the user itself, so
    other builds of the wheels get matching stubs. check_bundle.py reads a HEIC photo and runs
    `duplicates` (OpenCV's ORB) with the stubs in place.
    """
    inside = FROZEN / "_internal"
    if not shutil.which("cc") or not shutil.which("nm"):
        return
    folders: set[Path] = set()
    for user_glob, lib_globs in UNCALLED.items():
        users = [p for p in inside.glob(user_glob) if not p.is_symlink()]
        if not users:
            continue
        wanted = _symbols(users[0], "--undefined-only")
        for lib in (p for g in lib_globs for p in inside.glob(g) if not p.is_symlink()):
            defined = {name.split("@")[0] for name in _symbols(lib, "--defined-only")}
            needed = sorted({w for w in wanted if w.split("@")[0] in defined})
            versions: dict[str, list[str]] = {}
            for name in needed:
                base, _, version = name.partition("@")
                versions.setdefault(version.lstrip("@"), []).append(base)
            source, script = BUILD / "stub.c", BUILD / "stub.map"
            names = sorted({n for group in versions.values() for n in group})
            source.write_text("".join(f"void *{n}(void) {{ return 0; }}\n" for n in names))
            link = [f"-Wl,-soname,{lib.name}"]
            if any(versions):
                script.write_text(
                    "".join(f"{v} {{ global: {'; '.join(n)}; }};\n" for v, n in versions.items())
                )
                link.append(f"-Wl,--version-script={script}")
            run("cc", "-shared", "-fPIC", "-O2", *link, "-o", lib, source)
            folders.add(lib.parent)
    _drop_orphans(inside, folders)


def _drop_orphans(inside: Path, folders: set[Path]) -> None:
    """Delete the libraries in `folders` that nothing bundled needs any more."""
    while True:
        needed: set[str] = set()
        for so in inside.rglob("*.so*"):
            if so.is_file() and not so.is_symlink():
                out = subprocess.run(["readelf", "-d", str(so)], capture_output=True, text=True)
                needed |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out.stdout))
        orphans = [lib for folder in folders for lib in folder.iterdir() if lib.name not in needed]
        if not orphans:
            return
        for lib in orphans:
            lib.unlink()


def desktop_entry(command: str) -> str:
    """The .desktop file with `command` (an absolute path, or a name on PATH)."""
    text = (HERE / "photofind.desktop").read_text(encoding="utf-8")
    exec_line = integration._exec_line([command])
    return text.replace("@EXEC@", exec_line).replace(
        "@MIME_TYPES@", ";".join(integration.MIME_TYPES) + ";"
    )


def copy_icons(target: Path) -> None:
    shutil.copytree(BUILD / "icons" / "hicolor", target, dirs_exist_ok=True)


def tarball() -> Path:
    name = f"photofind-{__version__}-linux-{ARCH[0]}"
    stage = BUILD / "stage" / name
    shutil.rmtree(stage.parent, ignore_errors=True)
    shutil.copytree(FROZEN, stage, symlinks=True)
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(HERE / script, stage / script)
    share = stage / "share"
    (share / "applications").mkdir(parents=True)
    # Exec is rewritten by install.sh to where the app lands.
    (share / "applications" / "photofind.desktop").write_text(desktop_entry("photofind"))
    copy_icons(share / "icons" / "hicolor")
    out = DIST / f"{name}.tar.xz"
    tmp = out.with_suffix(".tmp")
    # xz: 27% smaller than gzip for this payload (native libraries), unpacked by every tar;
    # GNU tar with xz on every core (Python's lzma uses one).
    run("tar", "--sort=name", "--owner=0", "--group=0", "-I", "xz -T0 -6", "-cf", tmp,
        "-C", stage.parent, name)  # fmt: skip
    os.replace(tmp, out)
    return out


def glibc_needed() -> str:
    """The newest glibc symbol version any bundled library uses (the build machine's, mostly)."""
    elves = [p for p in FROZEN.rglob("*") if p.is_file() and not p.is_symlink()]
    elves = [p for p in elves if ".so" in p.name or p.name == "photofind"]
    out = subprocess.run(["objdump", "-T", *map(str, elves)], capture_output=True, text=True)
    found = re.findall(r"GLIBC_(\d+)\.(\d+)", out.stdout)
    return ".".join(map(str, max((int(a), int(b)) for a, b in found))) if found else "2.17"


def deb() -> Path:
    root = BUILD / "deb" / "root"
    shutil.rmtree(root.parent, ignore_errors=True)
    shutil.copytree(FROZEN, root / "opt" / "photofind", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "photofind").symlink_to("/opt/photofind/photofind")
    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "applications" / "photofind.desktop").write_text(desktop_entry("photofind"))
    copy_icons(share / "icons" / "hicolor")
    for entry in integration.system_entries(["/usr/bin/photofind"]):
        path = share / entry.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry.text, encoding="utf-8")
        path.chmod(0o755 if entry.executable else 0o644)
    docs = share / "doc" / "photofind"
    docs.mkdir(parents=True)
    shutil.copy2(HERE / "copyright", docs / "copyright")
    size_kb = sum(p.lstat().st_size for p in root.rglob("*")) // 1024
    control = (HERE / "control").read_text(encoding="utf-8")
    control = control.replace("@VERSION@", __version__).replace("@ARCH@", ARCH[1])
    control = control.replace("@GLIBC@", glibc_needed())
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(control.replace("@SIZE@", str(size_kb)))
    out = DIST / f"photofind_{__version__}_{ARCH[1]}.deb"
    run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, out)
    return out


def appimage_runtime() -> Path | None:
    """The AppImage runtime to prepend ($APPIMAGE_RUNTIME, else build/appimage's, built from its
    pinned sources on first use), or None with the reason printed."""
    if not shutil.which("mksquashfs"):
        print("no mksquashfs (squashfs-tools): skipping the AppImage", file=sys.stderr)
        return None
    runtime = Path(os.environ.get("APPIMAGE_RUNTIME") or BUILD / "appimage" / f"runtime-{ARCH[0]}")
    if not runtime.is_file() and "APPIMAGE_RUNTIME" not in os.environ:
        try:
            run("bash", HERE / "build_runtime.sh", runtime)
        except subprocess.CalledProcessError:
            print(
                "could not build the AppImage runtime (packaging/linux/build_runtime.sh needs git "
                "access to its two sources and Debian's static libraries): skipping the AppImage",
                file=sys.stderr,
            )
    return runtime if runtime.is_file() else None


def appimage(runtime: Path, compression: str = "zstd") -> Path:
    """The AppImage: the runtime followed by a squashfs of the AppDir (AppImage type 2)."""
    appdir = BUILD / "appimage" / "photofind.AppDir"
    shutil.rmtree(appdir, ignore_errors=True)
    shutil.copytree(FROZEN, appdir, symlinks=True)
    (appdir / "AppRun").symlink_to("photofind")  # the bootloader finds _internal by its own path
    (appdir / "photofind.desktop").write_text(desktop_entry("photofind"))
    shutil.copy2(BUILD / "icons" / "hicolor" / "256x256" / "apps" / "photofind.png", appdir)
    (appdir / ".DirIcon").symlink_to("photofind.png")
    copy_icons(appdir / "usr" / "share" / "icons" / "hicolor")
    image = BUILD / "appimage" / "photofind.squashfs"
    image.unlink(missing_ok=True)
    # zstd by default: the app starts 2-5x sooner than from xz, whose blocks decompress slowly
    # through FUSE; xz (with the x86 branch filter) is 11% smaller (packaging/README.md).
    if compression == "xz":
        options = ["-comp", "xz", *(["-Xbcj", "x86"] if ARCH[0] == "x86_64" else [])]
    else:
        options = ["-comp", "zstd", "-Xcompression-level", "19"]
    run("mksquashfs", appdir, image, "-root-owned", "-noappend", "-quiet", "-no-progress",
        *options, "-b", "1M")  # fmt: skip
    out = DIST / f"photofind-{__version__}-{ARCH[0]}.AppImage"
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as target:
        for part in (runtime, image):
            with open(part, "rb") as source:
                shutil.copyfileobj(source, target, 1 << 20)
    tmp.chmod(0o755)
    os.replace(tmp, out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-freeze", action="store_true", help="reuse build/pyinstaller")
    parser.add_argument("--only", choices=("tar", "deb", "appimage"))
    parser.add_argument(
        "--appimage-compression", choices=("zstd", "xz"), default="zstd",
        help="zstd starts faster, xz is 11%% smaller",
    )  # fmt: skip
    args = parser.parse_args()
    if not args.skip_freeze:
        freeze()
    strip_python()
    stub_uncalled()
    DIST.mkdir(exist_ok=True)
    jobs = []
    if args.only in (None, "tar"):
        jobs.append(tarball)
    if args.only in (None, "deb"):
        if shutil.which("dpkg-deb"):
            jobs.append(deb)
        else:
            print("no dpkg-deb here: skipping the .deb", file=sys.stderr)
    if args.only in (None, "appimage"):
        runtime = appimage_runtime()
        if runtime is not None:
            jobs.append(lambda: appimage(runtime, args.appimage_compression))
    with ThreadPoolExecutor(len(jobs) or 1) as pool:  # xz and mksquashfs use every core
        built = list(pool.map(lambda job: job(), jobs))
    unpacked = sum(p.lstat().st_size for p in FROZEN.rglob("*") if not p.is_dir())
    print(f"\nthe app folder, unpacked: {unpacked / 1e6:.0f} MB")
    for path in built:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
