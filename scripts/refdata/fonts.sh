#!/usr/bin/env bash
# Fonts embedded in the PDF engine (crates/reports, `include_bytes!`), from pinned npm packages.
#
#   scripts/refdata/fonts.sh        # from anywhere; needs npm, sha256sum, tar; network to npm only
#
# Writes assets/fonts/: TrueType files, their licences and SOURCES.md. Nothing is converted or
# modified: the files are copied byte for byte out of the packages and renamed. Downloads stay
# in build/refdata/fonts/ (git-ignored) and are reused when their sha256 still matches; a rerun
# gives byte-identical outputs.
#
# Why these packages (and not the woff2 vendored with Bootstrap Italia): typst reads TTF/OTF
# only, and the woff2 files are a "latin-ext_latin" subset (353 code points); the complete
# Google Fonts TTF of the same version (1.002) has 396, among them ≤ ≥ ≠ and super/subscript
# digits. DejaVu covers what Titillium Web lacks (Vietnamese, Greek, Cyrillic, Arabic, …) and
# gives a monospace face for `raw` and a math face for equations.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
B="$ROOT/build/refdata/fonts"   # scratch (git-ignored)
OUT="$ROOT/assets/fonts"

export npm_config_cache="$ROOT/build/refdata/npm-cache" npm_config_update_notifier=false \
       npm_config_fund=false npm_config_audit=false npm_config_loglevel=warn

# package  version  tarball  sha256 (of the tarball the registry serves)
PINS=(
  "@expo-google-fonts/titillium-web 0.4.1  expo-google-fonts-titillium-web-0.4.1.tgz 36c05e3070bc6b14437e68ff3c2525c6f45ed884d43471d3c940bede50fec7eb"
  "dejavu-fonts-ttf                 2.37.3 dejavu-fonts-ttf-2.37.3.tgz               b7013ac58f9225250619db82cfb72e99c37ca8195f2b5a06a9e6a95bc5e1c84a"
)

# output name  <-  tarball : path inside it
FILES=(
  "TitilliumWeb-Regular.ttf         expo-google-fonts-titillium-web-0.4.1.tgz package/400Regular/TitilliumWeb_400Regular.ttf"
  "TitilliumWeb-Italic.ttf          expo-google-fonts-titillium-web-0.4.1.tgz package/400Regular_Italic/TitilliumWeb_400Regular_Italic.ttf"
  "TitilliumWeb-SemiBold.ttf        expo-google-fonts-titillium-web-0.4.1.tgz package/600SemiBold/TitilliumWeb_600SemiBold.ttf"
  "TitilliumWeb-SemiBoldItalic.ttf  expo-google-fonts-titillium-web-0.4.1.tgz package/600SemiBold_Italic/TitilliumWeb_600SemiBold_Italic.ttf"
  "TitilliumWeb-Bold.ttf            expo-google-fonts-titillium-web-0.4.1.tgz package/700Bold/TitilliumWeb_700Bold.ttf"
  "TitilliumWeb-BoldItalic.ttf      expo-google-fonts-titillium-web-0.4.1.tgz package/700Bold_Italic/TitilliumWeb_700Bold_Italic.ttf"
  "OFL.txt                          expo-google-fonts-titillium-web-0.4.1.tgz package/LICENSE_FONT"
  "DejaVuSans.ttf                   dejavu-fonts-ttf-2.37.3.tgz               package/ttf/DejaVuSans.ttf"
  "DejaVuSans-Bold.ttf              dejavu-fonts-ttf-2.37.3.tgz               package/ttf/DejaVuSans-Bold.ttf"
  "DejaVuSansMono.ttf               dejavu-fonts-ttf-2.37.3.tgz               package/ttf/DejaVuSansMono.ttf"
  "DejaVuSansMono-Bold.ttf          dejavu-fonts-ttf-2.37.3.tgz               package/ttf/DejaVuSansMono-Bold.ttf"
  "DejaVuMathTeXGyre.ttf            dejavu-fonts-ttf-2.37.3.tgz               package/ttf/DejaVuMathTeXGyre.ttf"
  "DejaVu-LICENSE.txt               dejavu-fonts-ttf-2.37.3.tgz               package/LICENSE"
)

log() { printf '\n== %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

for tool in npm sha256sum tar; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
mkdir -p "$B/dl" "$OUT"

log "1. Download and verify packages ($B/dl)"
for pin in "${PINS[@]}"; do
  read -r pkg version file sha <<<"$pin"
  path="$B/dl/$file"
  if [[ -f "$path" ]] && [[ "$(sha256sum "$path" | cut -d' ' -f1)" == "$sha" ]]; then
    echo "   cached    $file"
  else
    rm -f "$path"
    (cd "$B/dl" && npm pack --silent "$pkg@$version" >/dev/null)
    [[ -f "$path" ]] || die "npm $pkg@$version: expected file $file was not downloaded"
    echo "   fetched   $file"
  fi
  got="$(sha256sum "$path" | cut -d' ' -f1)"
  if [[ "$got" != "$sha" ]]; then
    mv -f "$path" "$path.rejected"
    die "sha256 MISMATCH for $file: expected $sha, got $got (kept as $path.rejected; inspect it, do not just update the pin)"
  fi
  echo "   sha256 ok $file"
  rm -rf "$B/x/$file" && mkdir -p "$B/x/$file" && tar -xzf "$path" -C "$B/x/$file"
done

log "2. Copy fonts and licences -> assets/fonts/"
find "$OUT" -maxdepth 1 -type f \( -name '*.ttf' -o -name '*.txt' -o -name 'SOURCES.md' \) -delete
rows=""
for f in "${FILES[@]}"; do
  read -r name tgz inner <<<"$f"
  src="$B/x/$tgz/$inner"
  [[ -f "$src" ]] || die "$tgz has no $inner"
  cp "$src" "$OUT/$name"
  chmod 0644 "$OUT/$name"
  rows+="| \`$name\` | $(sha256sum "$OUT/$name" | cut -d' ' -f1) | \`$inner\` |"$'\n'
  printf '   %-32s %8d bytes\n' "$name" "$(stat -c %s "$OUT/$name")"
done

log "3. SOURCES.md"
{
  cat <<'EOF'
# Fonts embedded in the PDF engine

Made by `scripts/refdata/fonts.sh` (do not edit by hand; rerun the script). The files are
copied byte for byte out of two npm packages pinned by sha256, only renamed:

| npm package | version | tarball sha256 | what it is |
|---|---|---|---|
EOF
  echo "| \`@expo-google-fonts/titillium-web\` | 0.4.1 | \`36c05e3070bc6b14437e68ff3c2525c6f45ed884d43471d3c940bede50fec7eb\` | Titillium Web 1.002 TTF as published by Google Fonts (same version as the woff2 subset vendored with Bootstrap Italia 2.18.3) |"
  echo "| \`dejavu-fonts-ttf\` | 2.37.3 | \`b7013ac58f9225250619db82cfb72e99c37ca8195f2b5a06a9e6a95bc5e1c84a\` | the upstream DejaVu 2.37 TTF release (DejaVuSansMono.ttf is byte-identical to the one in the typst-assets crate) |"
  cat <<'EOF'

| file | sha256 | path in the package |
|---|---|---|
EOF
  printf '%s' "$rows"
  cat <<'EOF'

Licences: Titillium Web is under the SIL Open Font License 1.1 (`OFL.txt`; © 2009-2011
Accademia di Belle Arti di Urbino and students of MA course of Visual design). DejaVu is under
the Bitstream Vera / Arev licence, DejaVu changes in the public domain (`DejaVu-LICENSE.txt`).
Both allow embedding and redistribution; the font files are unmodified (their internal
family names included).

Roles in `argine_reports::pdf`: Titillium Web is the body and heading font (as in the web UI);
DejaVu Sans is the fallback for characters Titillium Web lacks (Vietnamese tone marks such as
ơ ư ạ, Greek, Cyrillic, Arabic, …); DejaVu Sans Mono is used for `raw` text; DejaVu Math TeX
Gyre for equations. Scripts neither covers (e.g. Bengali, Gurmukhi, CJK) render as missing
glyphs: add a font here if a document needs them.
EOF
} > "$OUT/SOURCES.md"

log "Done: $(find "$OUT" -maxdepth 1 -type f | wc -l) files in assets/fonts/"
