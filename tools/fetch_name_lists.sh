#!/usr/bin/env bash
# Fetches the recogniser's optional gazetteer name lists from the npm
# registry (pinned versions, MIT licences) into DIR, for
#   kg-train ... --cities DIR/cities.txt --companies DIR/companies.txt
# cities.txt: cities-list 1.0.3 (79,100 city names; list.txt);
# companies.txt: @cspell/dict-companies 3.2.14 (2,321 company names).
# Usage: tools/fetch_name_lists.sh DIR
set -euo pipefail
dir=${1:?usage: tools/fetch_name_lists.sh DIR}
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent cities-list@1.0.3 @cspell/dict-companies@3.2.14 >/dev/null)
mkdir -p "$work/cities" "$work/companies"
tar xzf "$work"/cities-list-1.0.3.tgz -C "$work/cities"
tar xzf "$work"/cspell-dict-companies-3.2.14.tgz -C "$work/companies"
cp "$work/cities/package/list.txt" "$dir/cities.txt"
cp "$work/companies/package/dict/companies.txt" "$dir/companies.txt"
echo "fetch_name_lists: $(wc -l <"$dir/cities.txt") cities, $(wc -l <"$dir/companies.txt") companies in $dir"
