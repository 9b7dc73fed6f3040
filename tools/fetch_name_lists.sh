#!/usr/bin/env bash
# Fetches the recogniser's optional gazetteer name lists from the npm
# registry (pinned versions, open licences) into DIR, for
#   kg-train ... --cities DIR/cities.txt --companies DIR/companies.txt
#                [--brands DIR/brands.txt]
# cities.txt: cities-list 1.0.3 (MIT; 79,100 city names; list.txt);
# companies.txt: @cspell/dict-companies 3.2.14 (MIT; 2,321 company names);
# brands.txt: simple-icons 16.37.0 (CC0; the titles of its 3,470 brand
# icons that start with a capital letter: products, services, companies).
# Usage: tools/fetch_name_lists.sh DIR
set -euo pipefail
dir=${1:?usage: tools/fetch_name_lists.sh DIR}
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent cities-list@1.0.3 @cspell/dict-companies@3.2.14 \
  simple-icons@16.37.0 >/dev/null)
mkdir -p "$work/cities" "$work/companies" "$work/brands"
tar xzf "$work"/cities-list-1.0.3.tgz -C "$work/cities"
tar xzf "$work"/cspell-dict-companies-3.2.14.tgz -C "$work/companies"
tar xzf "$work"/simple-icons-16.37.0.tgz -C "$work/brands" package/data/simple-icons.json
cp "$work/cities/package/list.txt" "$dir/cities.txt"
cp "$work/companies/package/dict/companies.txt" "$dir/companies.txt"
# Titles only (no icons); ".NET", "/e/", "42" and "about.me" are left out.
node -e '
const data = require(process.argv[1]);
const icons = Array.isArray(data) ? data : data.icons;
const names = new Set(icons.map((i) => i.title).filter((t) => /^[A-Z]/.test(t)));
process.stdout.write([...names].sort().join("\n") + "\n");
' "$work/brands/package/data/simple-icons.json" >"$dir/brands.txt"
echo "fetch_name_lists: $(wc -l <"$dir/cities.txt") cities, $(wc -l <"$dir/companies.txt") companies," \
  "$(wc -l <"$dir/brands.txt") brands in $dir"
