#!/bin/sh
# Vendors the console's chart library into internal/web/static, where the
# files are committed: `go build` needs no network and no JavaScript
# toolchain. Run it to change the version (edit UPLOT_VERSION), then commit
# the files it wrote. It installs the pinned npm package into a temporary
# directory with npm's ordinary client and copies only its built files.
set -eu

UPLOT_VERSION=1.6.32 # uPlot (MIT licence): https://github.com/leeoniya/uPlot

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/internal/web/static"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact "uplot@$UPLOT_VERSION" >/dev/null
pkg="$tmp/node_modules/uplot"
got=$(node -p "require('$pkg/package.json').version")
[ "$got" = "$UPLOT_VERSION" ] || { echo "npm installed uplot $got, want $UPLOT_VERSION" >&2; exit 1; }

cp "$pkg/dist/uPlot.iife.min.js" "$dest/uplot.min.js"
cp "$pkg/dist/uPlot.min.css" "$dest/uplot.min.css"
{
	echo "uPlot $UPLOT_VERSION, from the npm package uplot@$UPLOT_VERSION (dist/uPlot.iife.min.js, dist/uPlot.min.css),"
	echo "vendored by scripts/vendor-assets.sh. Its licence:"
	echo
	cat "$pkg/LICENSE"
} > "$dest/uplot.LICENSE.txt"
echo "vendored uPlot $UPLOT_VERSION into internal/web/static"
