// The archive's search page: matches words against the index the site ships (search/docs.js,
// search/terms-*.js, loaded before this file), filters and sorts, and lists the results.
// Written by scraper (scraper/site/search.js); titles are set as text, never as HTML.
"use strict";
(function () {
  const data = window.SCRAPER_SEARCH;
  const docs = data.docs;
  const count = docs.path.length;
  const PAGE = 100;
  const $ = (id) => document.getElementById(id);
  const form = $("search-form");
  const status = $("status");
  const list = $("results");
  const more = $("more");
  const TITLE = "."; // before a word in the index: the word in a title
  let hits = [];
  let shown = 0;

  // As scraper.outputs.site.search.fold and words: accents dropped, lower case, letters and digits.
  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }
  // Kana and CJK ideographs are words of their own (those scripts put no spaces between words).
  const IDEOGRAPHS = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu;
  function words(text) {
    const found = [];
    for (const word of fold(text).match(/[\p{L}\p{N}]+/gu) || []) {
      found.push(...word.match(IDEOGRAPHS));
    }
    return found;
  }

  // Postings are gaps between article numbers, 5 bits a character (scraper.outputs.site.search):
  // a digit below 32 ends a number, one from 32 on carries 5 more bits first.
  const DIGITS = new Int8Array(128);
  const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  for (let i = 0; i < ALPHABET.length; i++) DIGITS[ALPHABET.charCodeAt(i)] = i;

  // The first index in sorted `terms` whose term is >= `key`.
  function bisect(terms, key) {
    let lo = 0;
    let hi = terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (terms[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // Marks every article holding `word` (or a word it begins, for a prefix) in `into`.
  function mark(word, prefix, into) {
    for (const shard of data.shards) {
      const terms = shard.terms;
      for (let i = bisect(terms, word); i < terms.length; i++) {
        const term = terms[i];
        if (prefix ? !term.startsWith(word) : term !== word) break;
        const gaps = shard.postings[i];
        let number = shard.base;
        let value = 0;
        for (let c = 0; c < gaps.length; c++) {
          const digit = DIGITS[gaps.charCodeAt(c)];
          value = value * 32 + (digit & 31);
          if (digit < 32) {
            number += value;
            into[number] = 1;
            value = 0;
          }
        }
      }
    }
  }

  // The query's words: each must be found; `word*` finds words that begin with it.
  function parse(query) {
    const parts = [];
    for (const piece of query.split(/\s+/)) {
      const prefix = piece.endsWith("*");
      const found = words(piece);
      found.forEach((word, i) => parts.push({ word, prefix: prefix && i === found.length - 1 }));
    }
    return parts;
  }


  function matching(parts, filters) {
    let found = null;
    for (const part of parts) {
      const marks = new Uint8Array(count);
      mark(part.word, part.prefix, marks);
      if (found === null) found = marks;
      else for (let d = 0; d < count; d++) found[d] &= marks[d];
    }
    const out = [];
    for (let d = 0; d < count; d++) {
      if (found !== null && !found[d]) continue;
      if (filters.source >= 0 && docs.source[d] !== filters.source) continue;
      if (filters.language >= 0 && docs.language[d] !== filters.language) continue;
      if (filters.from && !(docs.day[d] && docs.day[d] >= filters.from)) continue;
      if (filters.to && !(docs.day[d] && docs.day[d] <= filters.to)) continue;
      out.push(d);
    }
    return out;
  }

  function order(found, parts, sort) {
    if (sort === "oldest") return found.sort((a, b) => docs.at[a] - docs.at[b] || a - b);
    if (sort === "archived") return found.sort((a, b) => docs.seen[b] - docs.seen[a] || b - a);
    if (sort === "best" && parts.length) {
      const score = new Uint8Array(count); // how many of the words the title has
      for (const part of parts) {
        const inTitle = new Uint8Array(count);
        mark(TITLE + part.word, part.prefix, inTitle);
        for (const d of found) score[d] += inTitle[d];
      }
      return found.sort((a, b) => score[b] - score[a] || docs.at[b] - docs.at[a]);
    }
    return found.sort((a, b) => docs.at[b] - docs.at[a] || b - a);
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function anchor(href, text, className) {
    const node = element("a", className, text);
    node.setAttribute("href", href);
    return node;
  }

  const ROLE_LABELS = [null, "original", "copy: compare", "one of several copies"];
  const ROLE_CLASSES = [null, "badge orig", "badge copy", "badge"];

  function row(d) {
    const item = element("li");
    item.append(element("span", "when", docs.published[d] || "undated"));
    item.append(anchor(docs.path[d], docs.title[d]));
    const source = element("span", "small", " · ");
    source.append(anchor(docs.sourcePaths[docs.source[d]], docs.sources[docs.source[d]]));
    item.append(" ", source);
    const role = docs.role[d];
    if (role) item.append(" ", anchor(docs.link[d], ROLE_LABELS[role], ROLE_CLASSES[role]));
    item.append(" ", element("span", "small archived", "archived " + docs.archived[d]));
    return item;
  }

  function showMore() {
    const end = Math.min(shown + PAGE, hits.length);
    const rows = document.createDocumentFragment();
    for (let i = shown; i < end; i++) rows.append(row(hits[i]));
    list.append(rows);
    shown = end;
    more.hidden = shown >= hits.length;
  }

  function run() {
    const started = performance.now();
    const parts = parse($("q").value);
    const filters = {
      source: $("source").value ? docs.sources.indexOf($("source").value) : -1,
      language: $("language").value ? docs.languages.indexOf($("language").value) : -1,
      from: $("from").value,
      to: $("to").value,
    };
    hits = order(matching(parts, filters), parts, $("sort").value);
    list.replaceChildren();
    shown = 0;
    showMore();
    const ms = performance.now() - started;
    const noun = hits.length === 1 ? "article" : "articles";
    status.textContent = `${hits.length.toLocaleString("en")} ${noun} of ${count.toLocaleString("en")} (${ms.toFixed(1)} ms)`;
    status.dataset.ms = ms.toFixed(3);
    status.dataset.count = String(hits.length);
  }

  const params = new URLSearchParams(location.search);
  for (const name of ["q", "source", "language", "from", "to", "sort"]) {
    const value = params.get(name);
    if (value !== null) $(name).value = value;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  $("q").addEventListener("input", run);
  for (const name of ["source", "language", "from", "to", "sort"]) {
    $(name).addEventListener("change", run);
  }
  more.addEventListener("click", showMore);
  run();
})();
