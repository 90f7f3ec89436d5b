#!/bin/sh
# Remove photofind installed by install.sh: the app, its menu entry, icons and the file
# managers' "Find similar with photofind" entries. Your library (photos, tags, the catalog in
# ~/.local/share/photofind) is never touched: delete that folder yourself if you want it gone.
set -eu
data=${XDG_DATA_HOME:-$HOME/.local/share}
app=$HOME/.local/opt/photofind
for entry in "$data/nautilus/scripts/Find similar with photofind" \
             "$data/kio/servicemenus/photofind-similar.desktop" \
             "$data/nemo/actions/photofind-similar.nemo_action"; do
    if [ -f "$entry" ] && grep -q photofind-similar "$entry"; then rm -f "$entry"; fi
done
rm -f "$data/applications/photofind.desktop"
find "$data/icons/hicolor" -path '*/apps/photofind.*' -delete 2>/dev/null || true
if [ -L "$HOME/.local/bin/photofind" ]; then rm -f "$HOME/.local/bin/photofind"; fi
rm -rf "$app"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
echo "photofind is removed; your library in $data/photofind is kept."
