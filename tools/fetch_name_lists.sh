#!/usr/bin/env bash
# Fetches the recogniser's optional gazetteer name lists from the npm
# registry (pinned versions, open licences) into DIR, for
#   kg-train ... --cities DIR/cities.txt --companies DIR/companies.txt
#                [--brands DIR/brands.txt]
# cities.txt: cities-list 1.0.3 (MIT; 79,100 city names; list.txt);
# companies.txt: @cspell/dict-companies 3.2.14 (MIT; 2,321 company names);
# brands.txt: simple-icons 16.37.0 (CC0; the titles of its 3,470 brand
# icons that start with a capital letter: products, services, companies).
# Also lists for kg-train --name-list (a match kind of their own; names in
# them leave the city and company lists), derived from the two above with
# @cspell/dict-people-names 1.1.16 (MIT; 38,971 given names and surnames)
# and WordNet (Debian wordnet-base, /usr/share/wordnet):
# cities-person.txt: the cities that are also people's names ("Hewitt",
# "Austin"); companies-person.txt: the companies, not cities, that are
# ("Murphy"); cities-words.txt: the other one-word cities whose lower case is
# a lower-case WordNet word ("Anchorage", "Mobile"), e.g.
#   --name-list 9=DIR/cities-person.txt --name-list 10=DIR/companies-person.txt
#   --name-list 11=DIR/cities-words.txt
# Usage: tools/fetch_name_lists.sh DIR
set -euo pipefail
dir=${1:?usage: tools/fetch_name_lists.sh DIR}
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent cities-list@1.0.3 @cspell/dict-companies@3.2.14 \
  simple-icons@16.37.0 @cspell/dict-people-names@1.1.16 >/dev/null)
mkdir -p "$work/cities" "$work/companies" "$work/brands" "$work/people"
tar xzf "$work"/cspell-dict-people-names-1.1.16.tgz -C "$work/people"
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
# The --name-list lists, each sorted (byte order), one name a line.
node -e '
const fs = require("fs");
const [dir, peopleFile, wordnet] = process.argv.slice(1);
const lines = (f) => fs.readFileSync(f, "utf8").split("\n").map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));
const people = new Set(lines(peopleFile));
const cities = new Set(lines(dir + "/cities.txt"));
const companies = new Set(lines(dir + "/companies.txt"));
// Lower-case single words of WordNet synsets ("anchorage", "mobile").
const words = new Set();
for (const pos of ["noun", "verb", "adj", "adv"]) {
  for (const line of fs.readFileSync(`${wordnet}/data.${pos}`, "latin1").split("\n")) {
    if (line === "" || line.startsWith(" ")) continue;
    const f = line.split(" ");
    const count = parseInt(f[3], 16);
    for (let i = 0; i < count; ++i) {
      const w = f[4 + 2 * i].split("(")[0];
      if (/^[a-z]+$/.test(w)) words.add(w);
    }
  }
}
const write = (name, names) => {
  const sorted = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  fs.writeFileSync(`${dir}/${name}`, sorted.map((n) => n + "\n").join(""));
};
write("cities-person.txt", [...cities].filter((n) => people.has(n)));
write("companies-person.txt", [...companies].filter((n) => !cities.has(n) && people.has(n)));
write("cities-words.txt", [...cities].filter((n) => !n.includes(" ") && !people.has(n) &&
  n[0] !== n[0].toLowerCase() && words.has(n.toLowerCase())));
' "$dir" "$work/people/package/dict/people-names.txt" /usr/share/wordnet
echo "fetch_name_lists: $(wc -l <"$dir/cities.txt") cities, $(wc -l <"$dir/companies.txt") companies," \
  "$(wc -l <"$dir/brands.txt") brands, $(wc -l <"$dir/cities-person.txt") cities and" \
  "$(wc -l <"$dir/companies-person.txt") companies that are people's names," \
  "$(wc -l <"$dir/cities-words.txt") cities that are words in $dir"
