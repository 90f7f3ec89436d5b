#!/bin/bash
# Build photofind.app and dist/photofind-VERSION-macos-ARCH.dmg on a Mac (the release workflow
# runs this on macos-14). With a Developer ID certificate in the keychain, it signs with the
# hardened runtime, notarises and staples; without one, the app is ad-hoc signed (fine for
# testing; Gatekeeper then asks users to confirm the first launch).
#   CODESIGN_IDENTITY="Developer ID Application: Name (TEAMID)"  signing identity (optional)
#   NOTARY_PROFILE=photofind   a `xcrun notarytool store-credentials` profile (optional)
# References: packaging/README.md ("macOS").
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${PYTHON:-.venv/bin/python}
version=$($python -c "import photofind; print(photofind.__version__)")
arch=$(uname -m)
app=build/pyinstaller/dist/photofind.app
dmg=dist/photofind-$version-macos-$arch.dmg

$python packaging/icons.py build/icons
rm -rf build/models && $python packaging/export_graph.py build/models
$python -m PyInstaller --noconfirm --clean --distpath build/pyinstaller/dist \
    --workpath build/pyinstaller/work packaging/photofind.spec
$python packaging/macos/quick_action.py build/macos
workflow="build/macos/Find similar with photofind.workflow"

identity=${CODESIGN_IDENTITY:--}   # "-": ad-hoc
# Sign inside out: every library and executable, then the bundle, with the hardened runtime
# and a secure timestamp (both required for notarisation).
sign() {
    codesign --force --timestamp --options runtime \
        --entitlements packaging/macos/entitlements.plist --sign "$identity" "$@"
}
if [ "$identity" = "-" ]; then
    codesign --force --deep --sign - "$app"
else
    find "$app/Contents" -type f \( -name '*.dylib' -o -name '*.so' -o -perm -u+x \) -print0 |
        while IFS= read -r -d '' file; do
            if file -b "$file" | grep -q Mach-O; then sign "$file"; fi
        done
    sign "$app"
fi
codesign --verify --strict --verbose=2 "$app"

mkdir -p dist
rm -f "$dmg"
$python -m dmgbuild -s packaging/macos/dmg_settings.py -D app="$app" -D workflow="$workflow" \
    photofind "$dmg"
if [ "$identity" != "-" ]; then
    codesign --force --timestamp --sign "$identity" "$dmg"
    if [ -n "${NOTARY_PROFILE:-}" ]; then
        xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
        xcrun stapler staple "$dmg"
        spctl --assess --type open --context context:primary-signature --verbose "$dmg"
    fi
fi
ls -l "$dmg"
