"""Prove the Linux artifacts in dist/ are complete and offline: unpack each into a temp folder and
run its bundled binary with nothing from the build's virtual environment.

    python packaging/check_bundle.py [ARTIFACT ...]     (default: every artifact in dist/)
    python packaging/check_bundle.py --binary PATH      (an installed app: Windows, macOS CI)

For each: `--library TMP index` a few real photos (scikit-image's, saved as JPEG, plus a resized
copy), `similar` on the cat (its copy comes first), `tags` (the cat is a cat), then the app
itself offscreen for a few seconds (its worker process indexes a photo added meanwhile) and a
second launch's `--similar FILE` handed over to it.
Runs under a clean environment (PATH=/usr/bin:/bin, an empty HOME and cache, so no graph cached
by the pip install can help) and, where `unshare -n` is allowed, with no network at all.
Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from subprocess import PIPE

ROOT = Path(__file__).resolve().parent.parent
CATS = {"tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat", "lynx"}


def photos(folder: Path) -> dict[str, Path]:
    """Real photos from scikit-image, and a resized copy of the cat."""
    from PIL import Image
    from skimage import data

    folder.mkdir(parents=True)
    out = {}
    for name in ("chelsea", "coffee", "astronaut", "rocket", "camera"):
        image = getattr(data, name)()
        out[name] = folder / f"{name}.jpg"
        Image.fromarray(image).convert("RGB").save(out[name], quality=90)
    cat = Image.open(out["chelsea"])
    out["copy"] = folder / "chelsea-small.jpg"
    cat.resize((cat.width * 2 // 3, cat.height * 2 // 3)).save(out["copy"], quality=80)
    from pillow_heif import from_pillow  # an iPhone's format: the bundle reads it (no encoder)

    out["heic"] = folder / "rocket.heic"
    from_pillow(Image.open(out["rocket"])).save(out["heic"], quality=80)
    return out


def unpack(artifact: Path, into: Path) -> Path:
    """The bundled executable inside the unpacked artifact."""
    if artifact.name.endswith(".deb"):
        subprocess.run(["dpkg-deb", "-x", str(artifact), str(into)], check=True)
        found = into / "opt" / "photofind" / "photofind"
    elif artifact.name.endswith(".AppImage"):
        # The AppImage's own runtime unpacks its squashfs (no FUSE needed for that).
        subprocess.run([str(artifact), "--appimage-extract"], cwd=into, check=True, stdout=PIPE)
        found = into / "squashfs-root" / "AppRun"
    else:
        subprocess.run(["tar", "-xf", str(artifact), "-C", str(into)], check=True)
        found = next(into.glob("photofind-*/photofind"))
    assert not list(found.parent.rglob("torch")), "torch is in the bundle"
    return found


class Checker:
    def __init__(self, binary: Path, work: Path) -> None:
        self.binary = binary
        if os.name == "posix":  # run through a symlink, as /usr/bin/photofind does
            (work / "bin").mkdir()
            self.binary = work / "bin" / "photofind"
            self.binary.symlink_to(binary)
        self.library = work / "library"
        home = work / "home"
        home.mkdir()
        # Nothing of the build's Python: no PYTHON*, no virtual environment, a bare PATH.
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CONDA", "PHOTOFIND"))
        }
        system = os.environ.get("SYSTEMROOT", r"C:\Windows")
        self.env.update(
            PATH=f"{system}\\System32;{system}" if os.name == "nt" else "/usr/bin:/bin",
            HOME=str(home),
            PHOTOFIND_CACHE=str(work / "cache"),
            XDG_RUNTIME_DIR=str(work),
            QT_QPA_PLATFORM="offscreen",
            LANG="C.UTF-8",
        )
        try:
            probe = subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode
        except OSError:  # no unshare (macOS, Windows)
            probe = 1
        self.prefix = ["unshare", "-n"] if probe == 0 else []
        self.failures: list[str] = []

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        command = [*self.prefix, str(self.binary), "--library", str(self.library), *args]
        return subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=timeout, cwd="/"
        )

    def expect(self, ok: bool, what: str, detail: str = "") -> None:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            print("       " + detail.strip().replace("\n", "\n       ")[-3000:])
            self.failures.append(what)


def check(artifact: Path | None, binary: Path | None = None) -> list[str]:
    """Check an artifact (unpacked here) or an installed binary; the failures."""
    name = artifact.name if artifact else str(binary)
    size = f" ({artifact.stat().st_size / 1e6:.1f} MB)" if artifact else ""
    print(name + size)
    with tempfile.TemporaryDirectory(prefix="photofind-check-") as tmp:
        work = Path(tmp)
        (work / "unpacked").mkdir()
        if artifact is not None:
            binary = unpack(artifact, work / "unpacked")
        assert binary is not None
        c = Checker(binary, work)
        print(f"  network: {'none (unshare -n)' if c.prefix else 'present (unshare refused)'}")
        shots = photos(work / "photos")

        start = time.perf_counter()
        out = c.run("index", str(work / "photos"))
        took = time.perf_counter() - start
        c.expect(out.returncode == 0, f"index {len(shots)} photos ({took:.1f} s)", out.stderr)

        start = time.perf_counter()
        out = c.run("similar", str(shots["chelsea"]), "-k", "3", "--json")
        took = time.perf_counter() - start
        try:
            top = [Path(r["path"]).name for r in json.loads(out.stdout)]
        except ValueError:
            top = []
        c.expect(
            out.returncode == 0 and top[:1] == ["chelsea-small.jpg"],  # the query is left out
            f"similar: {top} ({took:.1f} s)",
            out.stdout + out.stderr,
        )

        out = c.run("similar", str(shots["heic"]), "-k", "3", "--json")
        c.expect(out.returncode == 0, "similar to a HEIC photo", out.stdout + out.stderr)

        out = c.run("duplicates", "--json")  # OpenCV's ORB checks the cat and its copy
        c.expect(
            out.returncode == 0 and "chelsea-small.jpg" in out.stdout,
            "duplicates: the cat and its copy",
            out.stdout + out.stderr,
        )

        out = c.run("tags", str(shots["chelsea"]), "--json")
        try:
            labels = [t["label"] for t in json.loads(out.stdout)][:3]
        except ValueError:
            labels = []
        c.expect(bool(CATS & set(labels[:1])), f"tags: {labels}", out.stdout + out.stderr)

        check_app(c, shots["coffee"])
        if artifact is not None and artifact.name.endswith(".AppImage"):
            check_appimage(c, artifact, shots["chelsea"])
    return [f"{name}: {f}" for f in c.failures]


def indexed(c: Checker) -> int:
    out = c.run("status", "--json")
    return json.loads(out.stdout)["indexed"] if out.returncode == 0 else -1


def check_app(c: Checker, query: Path, seconds: float = 8.0) -> None:
    """The window offscreen for a few seconds, its worker process (a spawned copy of the
    binary) indexing a photo added meanwhile, and a second launch handing it a query."""
    command = [*c.prefix, str(c.binary), "--library", str(c.library)]
    before = indexed(c)
    with tempfile.TemporaryFile("w+") as log:
        app = subprocess.Popen(command, env=c.env, stdout=log, stderr=subprocess.STDOUT, cwd="/")
        try:
            time.sleep(2)
            shutil.copy(query, query.with_name("added-while-open.jpg"))
            time.sleep(seconds - 2)
            deadline = time.monotonic() + 60
            while indexed(c) <= before and time.monotonic() < deadline and app.poll() is None:
                time.sleep(1)
            grew = indexed(c) == before + 1
            alive = app.poll() is None
            handed = c.run("--similar", str(query), timeout=60) if alive else None
            time.sleep(1)
            alive_after = app.poll() is None
        finally:
            app.terminate()
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()
        log.seek(0)
        text = log.read()
    c.expect(alive and "Traceback" not in text, f"the app runs offscreen for {seconds:.0f} s", text)
    c.expect(grew, "its worker process indexes a photo added while it runs", text)
    if handed is not None:
        c.expect(
            handed.returncode == 0 and alive_after and "Traceback" not in text,
            "a second launch hands `--similar FILE` to the running app",
            handed.stderr + text,
        )


def check_appimage(c: Checker, artifact: Path, photo: Path) -> None:
    """The AppImage run whole, as a user double-clicks it: mounted with FUSE where the machine
    allows, else extracted to a temp folder by its runtime (APPIMAGE_EXTRACT_AND_RUN)."""
    command = [*c.prefix, str(artifact), "--library", str(c.library), "tags", str(photo), "--json"]
    out = subprocess.run(command, env=c.env, capture_output=True, text=True, timeout=600)
    how = "mounted with FUSE"
    if out.returncode != 0 and "fuse" in (out.stderr + out.stdout).lower():
        env = {**c.env, "APPIMAGE_EXTRACT_AND_RUN": "1", "TMPDIR": str(c.library.parent)}
        out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        how = "no FUSE here: extracted and run"
    try:
        labels = [t["label"] for t in json.loads(out.stdout)][:3]
    except ValueError:
        labels = []
    c.expect(
        out.returncode == 0 and bool(CATS & set(labels[:1])),
        f"the AppImage itself ({how}): tags {labels}",
        out.stdout + out.stderr,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artifacts", nargs="*", type=Path, help="default: dist/'s")
    parser.add_argument(
        "--binary", type=Path, action="append", default=[], help="an installed photofind"
    )
    args = parser.parse_args()
    artifacts = args.artifacts or sorted(
        p
        for p in (ROOT / "dist").glob("photofind*")
        if p.name.endswith((".tar.xz", ".deb", ".AppImage"))
    )
    if args.binary:
        artifacts = args.artifacts
    elif not artifacts:
        print("no artifacts in dist/: run `make package` first", file=sys.stderr)
        return 1
    if shutil.which("dpkg-deb") is None:
        artifacts = [a for a in artifacts if not a.name.endswith(".deb")]
    failures = [f for a in artifacts for f in check(a.resolve())]
    failures += [f for b in args.binary for f in check(None, b.resolve())]
    print("\n" + ("\n".join(failures) if failures else "all checks passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
