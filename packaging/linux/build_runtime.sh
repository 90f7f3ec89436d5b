#!/bin/bash
# Build the AppImage runtime (the static ELF that mounts an AppImage's squashfs and runs it)
# from source, for machines that cannot download the official binary:
#   packaging/linux/build_runtime.sh [TYPE2_RUNTIME_SRC SQUASHFUSE_SRC] [OUT]
# TYPE2_RUNTIME_SRC: a checkout of https://github.com/AppImage/type2-runtime; SQUASHFUSE_SRC: a
# checkout of https://github.com/vasi/squashfuse at tag 0.5.2 (what type2-runtime builds with).
# Without them, both are cloned at the commits pinned below (git's url.<base>.insteadOf can point
# those URLs at local mirrors). `make package` runs this when build/appimage has no runtime.
# Needs Debian's gcc autoconf automake libtool pkg-config libfuse3-dev libzstd-dev zlib1g-dev
# liblzma-dev liblz4-dev liblzo2-dev (their static libraries). Writes OUT (default
# build/appimage/runtime-x86_64), following type2-runtime's scripts/build-runtime.sh: link
# statically, strip, stamp the AppImage magic "AI\x02" at offset 8.
# Differences from the official runtime: Debian's libfuse3 (unpatched: it needs fusermount3 on the
# host, not fusermount) and glibc instead of musl (getpwnam and the like warn at link time).
set -euo pipefail
TYPE2_RUNTIME_URL=https://github.com/AppImage/type2-runtime
TYPE2_RUNTIME_COMMIT=caf24f9f712084686bfc24a70b75e50df0aefb9c
SQUASHFUSE_URL=https://github.com/vasi/squashfuse
SQUASHFUSE_TAG=0.5.2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ $# -ge 2 ]; then
    runtime_src=$(readlink -f "$1")
    squashfuse_src=$(readlink -f "$2")
    out=${3:-}
else
    out=${1:-}
    runtime_src=$work/type2-runtime
    squashfuse_src=$work/squashfuse-src
    git clone --quiet "$TYPE2_RUNTIME_URL" "$runtime_src"
    git -C "$runtime_src" -c advice.detachedHead=false checkout --quiet "$TYPE2_RUNTIME_COMMIT"
    git -c advice.detachedHead=false clone --quiet --branch "$SQUASHFUSE_TAG" "$SQUASHFUSE_URL" \
        "$squashfuse_src"
fi
out=${out:-build/appimage/runtime-$(uname -m)}
case $out in /*) ;; *) out=$PWD/$out ;; esac

cp -R "$squashfuse_src" "$work/squashfuse"
(
    cd "$work/squashfuse"
    ./autogen.sh
    CFLAGS="-ffunction-sections -fdata-sections -Os" \
        ./configure --prefix="$work/prefix" --enable-static --disable-shared
    make -j"$(nproc)"
    make install
    install -m 644 ./*.h "$work/prefix/include/squashfuse/"
) > "$work/squashfuse.log" 2>&1 || { tail -30 "$work/squashfuse.log"; exit 1; }

cd "$runtime_src/src/runtime"
gcc -I"$work/prefix/include" -I"$work/prefix/include/squashfuse" -I/usr/include/fuse3 \
    -std=gnu99 -Os -D_FILE_OFFSET_BITS=64 -DGIT_COMMIT="\"$(cat version)\"" \
    -T data_sections.ld -ffunction-sections -fdata-sections -Wl,--gc-sections -static \
    runtime.c -L"$work/prefix/lib" -lsquashfuse_ll -lsquashfuse \
    -lzstd -lz -llzma -llz4 -llzo2 -lfuse3 -lpthread -o "$work/runtime" 2> "$work/link.log" ||
    { cat "$work/link.log"; exit 1; }
strip --strip-debug --strip-unneeded "$work/runtime"
printf 'AI\002' | dd of="$work/runtime" bs=1 count=3 seek=8 conv=notrunc status=none
mkdir -p "$(dirname "$out")"
mv "$work/runtime" "$out"
ls -l "$out"
