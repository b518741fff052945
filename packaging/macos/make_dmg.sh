#!/usr/bin/env bash
# macOS: sign dist/shopcrm.app (hardened runtime), put it in a DMG, notarise and staple it.
# Signing needs these secrets (from the workflow's environment); without them the DMG is unsigned:
#   MACOS_CERTIFICATE (base64 .p12), MACOS_CERTIFICATE_PASSWORD, MACOS_SIGN_IDENTITY
#   ("Developer ID Application: ..."), APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD (app-specific).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' shopcrm/__init__.py)
app=dist/shopcrm.app
out=dist/macos
dmg="$out/shopcrm-$version-macos.dmg"
mkdir -p "$out"
[ -d "$app" ] || { echo "no $app: run python packaging/build.py first"; exit 1; }

if [ -n "${MACOS_CERTIFICATE:-}" ]; then
  keychain="$RUNNER_TEMP/signing.keychain-db"
  password=$(uuidgen)
  echo "$MACOS_CERTIFICATE" | base64 --decode >"$RUNNER_TEMP/cert.p12"
  security create-keychain -p "$password" "$keychain"
  security set-keychain-settings -lut 21600 "$keychain"
  security unlock-keychain -p "$password" "$keychain"
  security import "$RUNNER_TEMP/cert.p12" -P "$MACOS_CERTIFICATE_PASSWORD" -A -t cert -f pkcs12 \
    -k "$keychain"
  security list-keychains -d user -s "$keychain"
  security set-key-partition-list -S apple-tool:,apple: -k "$password" "$keychain" >/dev/null
  codesign --force --deep --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --deep --strict "$app"
fi

hdiutil create -volname shopcrm -srcfolder "$app" -ov -format UDZO "$dmg"

if [ -n "${MACOS_CERTIFICATE:-}" ]; then
  codesign --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
  xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$dmg"
else
  echo "no signing secrets: $dmg is unsigned (Gatekeeper will ask the user to allow it)"
fi
ls -l "$dmg"
