// words.js: plurals of item names and units as the phone shows quantities ("10 kits",
// "4 bidones", "3 boxes of gloves"): a port of core/lib/words.c, so the phone says what
// the slips, the warehouse tool and the terminal scanner say.  Its unit test checks it
// against the very cases tests/unit/test_words.c checks the C with.

const CONNECTORS_ES = new Set(['de', 'del', 'para', 'con', 'sin', 'a', 'en', 'por', 'y', 'o', 'e', 'u']);
const CONNECTORS_EN = new Set(['of', 'for', 'with', 'without', 'in', 'per', 'and', 'or', 'to', 'from', 'by']);
const PLAIN = { 'á': 'a', 'é': 'e', 'í': 'i', 'ó': 'o', 'ú': 'u' };

// A size, a model or an acronym ("N95", "(14", "USB"): never pluralised.
const isDetail = (w) => /[0-9(]/.test(w) || (w.length >= 2 && !/[a-z]/.test(w));

// vowel + s; l r n d j y + es (the accent of the last syllable dropped: botiquín ->
// botiquines); z -> ces; s x unchanged; any other consonant (kit, laptop) + s.
function pluralWordEs(w) {
  const last = w.slice(-1).toLowerCase();
  if ('aeiou'.includes(last) || last > '\x7f') return `${w}s`;
  if ('sx'.includes(last)) return w;
  if (last === 'z') return `${w.slice(0, -1)}ces`;
  if ('lrndjy'.includes(last)) {
    const v = w.length >= 2 ? PLAIN[w.slice(-2, -1)] : undefined;
    return v ? `${w.slice(0, -2)}${v}${w.slice(-1)}es` : `${w}es`;
  }
  return `${w}s`;
}

// Every word up to the first connector or detail: "kit de higiene" -> "kits de higiene".
export function pluralEs(name) {
  let plural = true;
  return name.split(/( +)/).map((w) => {
    if (!w || w.startsWith(' ')) return w;
    plural = plural && !CONNECTORS_ES.has(w.toLowerCase()) && !isDetail(w);
    return plural ? pluralWordEs(w) : w;
  }).join('');
}

// s x z ch sh + es; consonant + y -> ies; any other + s.
function pluralWordEn(w) {
  const l = w.toLowerCase();
  if (/[sxz]$|[cs]h$/.test(l)) return `${w}es`;
  if (/[^aeiou]y$/.test(l)) return `${w.slice(0, -1)}ies`;
  return `${w}s`;
}

// The head noun (the last word, not a detail, before a connector or a bracket) takes it.
export function pluralEn(name) {
  const words = name.split(/( +)/);
  let head = -1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w || w.startsWith(' ')) continue;
    if (w.startsWith('(') || CONNECTORS_EN.has(w.toLowerCase())) break;
    if (!isDetail(w)) head = i;
  }
  if (head < 0) return name;
  words[head] = pluralWordEn(words[head]);
  return words.join('');
}

// "1 kit", "10 kits", "7" (no unit), in lang ('es' or 'en').
export function quantity(qty, unit, lang) {
  if (!unit) return String(qty);
  const many = qty !== 1 && qty !== -1;
  return `${qty} ${many ? (lang === 'en' ? pluralEn(unit) : pluralEs(unit)) : unit}`;
}
