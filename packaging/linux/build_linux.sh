#!/usr/bin/env bash
# Linux installers from the PyInstaller one-folder bundle: a .tar.gz (unpack anywhere, run
# ./shopcrm) and a .deb (/usr/lib/shopcrm, /usr/bin/shopcrm, desktop entry, icon, metainfo).
# Both are then checked: desktop-file-validate, and packaging/smoke_test.sh on the unpacked .tar.gz
# and on the extracted .deb tree. Prints sizes and the newest glibc symbol the bundle needs.
#
#   packaging/linux/build_linux.sh            # build the bundle (~150 s), package, check
#   packaging/linux/build_linux.sh --no-build # package the bundle already in dist/
#
# Needs: python with pyinstaller (pip install -e ".[packaging]"), dpkg-deb, desktop-file-utils.
# About 5 minutes here (2 shared cores): bundle 150 s, packing 60 s, two smoke tests 90 s.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' shopcrm/__init__.py)
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
bundle="dist/shopcrm-$version"
out="dist/linux"
started=$(date +%s)

if [ "${1:-}" != "--no-build" ]; then
  python packaging/build.py
fi
[ -x "$bundle/shopcrm" ] || { echo "no bundle at $bundle (build it first)"; exit 1; }
rm -rf "$out" && mkdir -p "$out"

echo "== desktop entry"
desktop-file-validate resources/linux/shopcrm.desktop

echo "== glibc"
glibc=$(find "$bundle" -type f \( -name '*.so*' -o -name shopcrm \) -exec objdump -T {} + 2>/dev/null \
  | grep -o 'GLIBC_[0-9][0-9.]*' | sort -u -V | tail -1 | sed 's/GLIBC_//')
echo "the bundle needs glibc >= $glibc (built on $(ldd --version | head -1))"
echo "$glibc" >"$out/glibc.txt"

echo "== .tar.gz"
tarball="$out/shopcrm-$version-linux-$arch.tar.gz"
stage=$(mktemp -d)
cp -a "$bundle" "$stage/shopcrm-$version"
cp resources/linux/shopcrm.desktop resources/icons/shopcrm.svg "$stage/shopcrm-$version/"
tar -C "$stage" -czf "$tarball" "shopcrm-$version"
rm -rf "$stage"

echo "== .deb"
deb="$out/shopcrm_${version}_$arch.deb"
tree=$(mktemp -d)
mkdir -p "$tree/DEBIAN" "$tree/usr/lib" "$tree/usr/bin" "$tree/usr/share/applications" \
  "$tree/usr/share/icons/hicolor/scalable/apps" "$tree/usr/share/metainfo" \
  "$tree/usr/share/doc/shopcrm"
cp -a "$bundle" "$tree/usr/lib/shopcrm"
ln -s ../lib/shopcrm/shopcrm "$tree/usr/bin/shopcrm"
install -m 644 resources/linux/shopcrm.desktop "$tree/usr/share/applications/"
install -m 644 resources/icons/shopcrm.svg "$tree/usr/share/icons/hicolor/scalable/apps/"
install -m 644 resources/linux/shopcrm.metainfo.xml "$tree/usr/share/metainfo/"
install -m 644 README.md "$tree/usr/share/doc/shopcrm/"
# What the bundle does not carry comes from the system: map those libraries to packages.
needed=$(find "$tree/usr/lib/shopcrm" -type f -name '*.so*' -exec readelf -d {} + 2>/dev/null \
  | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort -u)
depends="libc6 (>= $glibc)"
for lib in $needed; do
  if [ -z "$(find "$tree/usr/lib/shopcrm" -name "$lib" -print -quit)" ]; then
    pkg=$(dpkg -S "*/$lib" 2>/dev/null | head -1 | cut -d: -f1 || true)
    case "$pkg" in ""|libc6|libc6-*) ;; *) depends="$depends, $pkg" ;; esac
  fi
done
depends=$(echo "$depends" | tr ',' '\n' | sed 's/^ *//' | sort -u | paste -sd, | sed 's/,/, /g')
size_kb=$(du -sk "$tree/usr" | cut -f1)
cat >"$tree/DEBIAN/control" <<CONTROL
Package: shopcrm
Version: $version
Architecture: $arch
Maintainer: shopcrm <shopcrm@example.org>
Installed-Size: $size_kb
Depends: $depends
Section: misc
Priority: optional
Homepage: https://example.org/shopcrm
Description: customer records, visits, coupons and direct mail for a small shop
 A desktop customer-relationship app for small Japanese shops (izakaya, cafe, salon).
 Self-contained: Python, Qt and the Japan Post postal data are inside /usr/lib/shopcrm.
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$tree" "$deb" >/dev/null
rm -rf "$tree"

echo "== checks"
check=$(mktemp -d)
tar -C "$check" -xzf "$tarball"
packaging/smoke_test.sh "$check/shopcrm-$version/shopcrm"
mkdir "$check/deb"
dpkg-deb -x "$deb" "$check/deb"
dpkg-deb -I "$deb" | sed -n '/Depends/p'
desktop-file-validate "$check/deb/usr/share/applications/shopcrm.desktop"
[ -L "$check/deb/usr/bin/shopcrm" ] || { echo "no /usr/bin/shopcrm"; exit 1; }
[ -f "$check/deb/usr/share/icons/hicolor/scalable/apps/shopcrm.svg" ] || { echo "no icon"; exit 1; }
# /usr/bin/shopcrm points at ../lib/shopcrm/shopcrm: run it through the link, as a user does.
packaging/smoke_test.sh "$check/deb/usr/bin/shopcrm"
rm -rf "$check"

echo "== sizes"
du -sh "$bundle" | sed 's/\t/  unpacked bundle  /'
ls -l "$tarball" "$deb" | awk '{printf "%s  %.1f MB\n", $NF, $5/1048576}'
echo "done in $(( $(date +%s) - started )) s"
