#!/usr/bin/env bash
# CI of the VS Code extension, called by .ci/run; safe to run again and
# again by hand.
#
#   bash editors/vscode/ci.sh            # check everything
#   bash editors/vscode/ci.sh --update   # also rewrite the grammar snapshots
#
# 1. `npm ci`, only when node_modules is missing or was installed from
#    another package-lock.json (a stamp file keeps the lock file's hash);
# 2. the generated grammar is up to date with syntaxes/grammar.js;
# 3. snapshot tests of the grammar on every file of the example project
#    (campaigns/**/*.camp, copied to test/snap/campaigns/; the .snap files
#    are committed) and the hand-written assertion tests in test/grammar/;
# 4. the client's tests (node --test): unit tests of server.js, and the
#    real `campaignc lsp` started the way the extension starts it;
# 5. `vsce package` into a temporary directory, and a look inside the .vsix.
set -euo pipefail
cd "$(dirname "$0")"

update=false
case "${1:-}" in
  --update) update=true ;;
  "") ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

# --- 1. dependencies --------------------------------------------------------
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -d node_modules || ! -f .ci-stamp || "$(cat .ci-stamp)" != "$lock_hash" ]]; then
  echo "vscode: npm ci (package-lock.json changed or node_modules missing)"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > .ci-stamp
else
  echo "vscode: node_modules is up to date with package-lock.json"
fi
bin=node_modules/.bin

# --- 2. the generated grammar ----------------------------------------------
if $update; then
  node syntaxes/grammar.js
else
  node syntaxes/grammar.js --check
fi

# --- 3. grammar tests -------------------------------------------------------
# The example project, copied so that the .snap files live here and not in
# campaigns/. A .snap without its .camp (a file removed from the project)
# or a .camp without its .snap (a new file) is an error unless --update.
snap=test/snap/campaigns
find "$snap" -name '*.camp' -delete 2>/dev/null || true
(cd ../../campaigns && find . -name '*.camp' -print0) |
  while IFS= read -r -d '' f; do
    mkdir -p "$snap/$(dirname "$f")"
    cp "../../campaigns/$f" "$snap/$f"
  done
problems=0
while IFS= read -r -d '' s; do
  if [[ ! -f "${s%.snap}" ]]; then
    if $update; then rm "$s"; else echo "vscode: $s has no campaigns/ file any more (run ci.sh --update)" >&2; problems=1; fi
  fi
done < <(find "$snap" -name '*.camp.snap' -print0)
while IFS= read -r -d '' c; do
  if [[ ! -f "$c.snap" ]] && ! $update; then
    echo "vscode: $c has no snapshot (run ci.sh --update and review the new .snap)" >&2
    problems=1
  fi
done < <(find "$snap" -name '*.camp' -print0)
if [[ $problems != 0 ]]; then exit 1; fi

if $update; then
  "$bin/vscode-tmgrammar-snap" --updateSnapshot "$snap/**/*.camp"
else
  "$bin/vscode-tmgrammar-snap" "$snap/**/*.camp"
fi
"$bin/vscode-tmgrammar-test" "test/grammar/*.test.camp"

# --- 4. client unit tests ---------------------------------------------------
# The handshake test drives the real server when it has been built (.ci/run
# runs `cargo build` first); without it, that one test says it is skipped.
node --check extension.js
if [[ -z "${CAMPAIGNC_BIN:-}" && -x ../../target/debug/campaignc ]]; then
  CAMPAIGNC_BIN=$(cd ../../target/debug && pwd)/campaignc
  export CAMPAIGNC_BIN
fi
unit_log=$(mktemp)
node --test --test-reporter=spec test/client/ | tee "$unit_log"
unit_passed=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$unit_log")
rm -f "$unit_log"

# --- 5. the .vsix -------------------------------------------------------------
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
version=$(node -p "require('./package.json').version")
"$bin/vsce" package --allow-missing-repository --out "$out/campaignc-$version.vsix" </dev/null
vsix="$out/campaignc-$version.vsix"
listing=$(unzip -l "$vsix")
for f in extension/package.json extension/extension.js extension/server.js \
  extension/syntaxes/camp.tmLanguage.json extension/language-configuration.json \
  extension/node_modules/vscode-languageclient/node.js; do
  if ! grep -q " $f\$" <<<"$listing"; then
    echo "vscode: $f is missing from the .vsix" >&2
    exit 1
  fi
done
if grep -q 'extension/test/\|extension/syntaxes/grammar.js' <<<"$listing"; then
  echo "vscode: the .vsix contains test files or the grammar's generator" >&2
  exit 1
fi
echo "vscode: built $(basename "$vsix") ($(du -k "$vsix" | cut -f1) KiB)"

# Every step above stops the script on a failure, so reaching this line
# means all passed: snapshot files, assertion files, unit tests, the .vsix.
snapshots=$(find "$snap" -name '*.camp' | wc -l)
assertions=$(find test/grammar -name '*.test.camp' | wc -l)
echo "vscode: $((snapshots + assertions + unit_passed + 1)) passed, 0 failed"
