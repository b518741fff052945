#!/usr/bin/env bash
# Smoke test of a built bundle: CLI, translations, the embedded font in a printed PDF, the report,
# and the GUI starting (offscreen). Usage: packaging/smoke_test.sh dist/shopcrm-<version>/shopcrm
set -euo pipefail
app=${1:?path to the bundled shopcrm executable}
work=$(mktemp -d)
export SHOPCRM_DATA_DIR="$work/data"
db="$work/shop.db"
"$app" --db "$db" demo >/dev/null
"$app" --lang ja --db "$db" customers search たなか >"$work/search.txt"
grep -q 氏名 "$work/search.txt"
"$app" --db "$db" coupons issue --campaign birthday --month 12 >/dev/null
"$app" --db "$db" print postcards --campaign birthday -o "$work/cards.pdf" >/dev/null
"$app" --db "$db" print address-side --campaign birthday -o "$work/side.pdf" --no-record >/dev/null
"$app" --db "$db" report --month 2026-10 -o "$work/report.pdf" >/dev/null
if command -v pdffonts >/dev/null; then
  pdffonts "$work/cards.pdf" >"$work/fonts.txt"
  grep -q "IPAexGothic.*yes" "$work/fonts.txt"
fi
QT_QPA_PLATFORM=offscreen timeout 10 "$app" --db "$db" 2>"$work/gui.err" && rc=0 || rc=$?
if [ "$rc" != 124 ] || grep -q "Traceback" "$work/gui.err"; then
  cat "$work/gui.err"; echo "GUI did not stay up (rc=$rc)"; exit 1
fi
echo "bundle smoke test passed ($work)"
