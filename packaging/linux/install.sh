#!/bin/sh
# Install this unpacked photofind for the current user (no root): the app in
# ~/.local/opt/photofind, `photofind` in ~/.local/bin, its menu entry and icons.
# Or run ./photofind right here without installing. Remove with ~/.local/opt/photofind/uninstall.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
app=$HOME/.local/opt/photofind
if [ "$here" != "$app" ]; then
    rm -rf "$app.new"
    mkdir -p "$HOME/.local/opt"
    cp -a "$here" "$app.new"
    rm -rf "$app"
    mv "$app.new" "$app"
fi
mkdir -p "$HOME/.local/bin" "$data/applications" "$data/icons"
ln -sf "$app/photofind" "$HOME/.local/bin/photofind"
sed "s|^Exec=photofind |Exec=\"$app/photofind\" |" "$app/share/applications/photofind.desktop" \
    > "$data/applications/photofind.desktop"
cp -R "$app/share/icons/hicolor" "$data/icons/"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "photofind is installed: open it from your applications menu, or run $app/photofind"
echo "Right-click entries for Files, Dolphin and Nemo: the app's File > Settings."
