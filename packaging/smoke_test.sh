#!/usr/bin/env bash
# Smoke test of a built bundle, as a shop meets it on day one: first-run setup (the shop's
# settings), a guest, a visit, a printed PDF with the Japanese font embedded, the monthly report,
# Japanese text translated, the postal data found, the GUI staying up and writing its log.
# Usage: packaging/smoke_test.sh path/to/shopcrm   (on Windows: path/to/shopcrm-cli.exe)
# Works on a fresh bundle, an extracted .deb/.tar.gz, and in CI on Linux, macOS and Windows.
set -euo pipefail
app=${1:?path to the bundled shopcrm executable}
gui=${2:-$app}  # the windowed executable (Windows: shopcrm.exe; elsewhere the same one)
work=$(mktemp -d)
export SHOPCRM_DATA_DIR="$work/data" SHOPCRM_LOG_DIR="$work/logs" SHOPCRM_CACHE_DIR="$work/cache"
db="$work/shop.db"
step() { echo "smoke: $*"; }
fail() { echo "smoke test FAILED: $*" >&2; exit 1; }

step "first-run setup: the shop's name, address and language"
"$app" --db "$db" settings set shop_name "居酒屋 はじめ" >/dev/null
"$app" --db "$db" settings set shop_postal_code 1050011 >/dev/null
"$app" --db "$db" settings set language ja >/dev/null
"$app" --db "$db" settings >"$work/settings.txt"
grep -q "居酒屋 はじめ" "$work/settings.txt" || fail "shop name not stored"

step "a guest (the postal code fills the address from the bundled Japan Post data)"
"$app" --db "$db" customers add --name "田中 花子" --kana "タナカ ハナコ" --phone 090-1111-2222 \
  --postal-code 1050011 --birthday "1990-$(date +%m)-10" --dm-consent --json >"$work/guest.json"
grep -q "港区" "$work/guest.json" || fail "postal code did not fill the address"
id=$(sed -n 's/.*"id": *\([0-9]*\).*/\1/p' "$work/guest.json" | head -1)
[ -n "$id" ] || fail "no customer id"

step "a visit"
"$app" --db "$db" visits add --customer "$id" --amount 4800 --party-size 2 >/dev/null

step "Japanese text"
"$app" --lang ja --db "$db" customers search たなか >"$work/search.txt"
grep -q 氏名 "$work/search.txt" || fail "not translated"
grep -q "田中 花子" "$work/search.txt" || fail "the guest is not found by her reading"

step "a printed postcard with the embedded font, and the report"
# A postcard carries its campaign's message and coupon (one without them is refused): this
# month's birthday coupon, issued first.
"$app" --db "$db" coupons issue --campaign birthday --month "$(date +%-m)" >/dev/null
"$app" --db "$db" print postcards --campaign birthday --customers "$id" -o "$work/cards.pdf" \
  --no-record >/dev/null
[ -s "$work/cards.pdf" ] || fail "no postcard PDF"
month=$(date +%Y-%m)
"$app" --db "$db" report --month "$month" -o "$work/report.pdf" >/dev/null
[ -s "$work/report.pdf" ] || fail "no report PDF"
if command -v pdffonts >/dev/null; then
  pdffonts "$work/cards.pdf" >"$work/fonts.txt"
  grep -q "IPAexGothic.*yes" "$work/fonts.txt" || { cat "$work/fonts.txt"; fail "font not embedded"; }
fi

step "a check of the database (and its backup)"
"$app" --db "$db" backup >/dev/null
"$app" --db "$db" check >/dev/null || fail "check failed"

step "the GUI starts, stays up and logs"
if command -v timeout >/dev/null; then  # GNU coreutils (Linux, Git Bash): 124 when it ran out
  up=124; run_for() { timeout "$@"; }
else  # macOS: no timeout(1); perl's alarm ends it with SIGALRM (142)
  up=142; run_for() { perl -e 'alarm shift; exec @ARGV' "$@"; }
fi
QT_QPA_PLATFORM=offscreen run_for 15 "$gui" --db "$db" 2>"$work/gui.err" && rc=0 || rc=$?
if [ "$rc" != "$up" ] || grep -q "Traceback" "$work/gui.err"; then
  cat "$work/gui.err"; fail "GUI did not stay up (rc=$rc)"
fi
grep -q "started" "$work/logs/shopcrm.log" || fail "no log file written"
echo "bundle smoke test passed ($work)"
