// handlebars.js side of `cargo bench --bench render`.
//
// Usage: node bench.js INPUT.json
// INPUT.json: {"templates": {name: source}, "data": {...}, "seconds": N}
// (written by benches/render.rs). Compiles each template once (what a Node
// sending system would do), then renders all of them against the data in a
// loop for `seconds` on this one thread, and prints one JSON line:
// {"renders_per_second": R, "output": {name: rendered}}.
//
// The helpers do what campaignc's do (src/template/helpers.rs), on the
// platform's CLDR data (Intl), reading the locale and time zone from the
// root data's `__campaignc_render` like campaignc's; Intl objects are built
// once per locale and options, as a production Node renderer would.
"use strict";

const fs = require("fs");
const Handlebars = require("handlebars");

const RESERVED = "__campaignc_render";
const cache = new Map();
function cached(key, make) {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

function settings(options) {
  const reserved = (options.data && options.data.root && options.data.root[RESERVED]) || {};
  return { locale: reserved.locale || "und", timezone: reserved.timezone || "UTC" };
}

// Narrow symbols as campaignc's table (money.rs) for the bench's locales.
const SYMBOL_BEFORE = new Set(["en", "zh"]);
const FRACTION = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

function numberFormat(locale, digits) {
  return cached(`n|${locale}|${digits}`, () =>
    digits === undefined
      ? new Intl.NumberFormat(locale, { maximumFractionDigits: 20 })
      : new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }));
}

const h = Handlebars.create();
h.registerHelper("default", (value, fallback) =>
  value === undefined || value === null || value === "" ? fallback : value);
h.registerHelper("money", function (value, options) {
  const { locale } = settings(options);
  const [amount, currency] = String(value).trim().split(" ");
  const digits = FRACTION[currency] ?? 2;
  const language = locale.split("-")[0];
  const number = numberFormat(locale, digits).format(Math.abs(Number(amount)));
  const symbol = cached(`s|${language}|${currency}`, () =>
    new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay: "narrowSymbol" })
      .formatToParts(0).find((p) => p.type === "currency").value);
  if (SYMBOL_BEFORE.has(language)) {
    return (Number(amount) < 0 ? "-" : "") + symbol + number;
  }
  return `${number}\u00a0${symbol}`;
});
h.registerHelper("number", function (value, options) {
  const { locale } = settings(options);
  const digits = options.hash.decimals;
  return numberFormat(locale, digits).format(Number(value));
});
h.registerHelper("date", function (value, style, options) {
  if (options === undefined) {
    options = style;
    style = "medium";
  }
  const { locale, timezone } = settings(options);
  const format = cached(`d|${locale}|${timezone}|${style}`, () =>
    new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: timezone }));
  return format.format(new Date(value));
});
h.registerHelper("plural", function (value, options) {
  const { locale } = settings(options);
  const rules = cached(`p|${locale}`, () => new Intl.PluralRules(locale));
  const n = Number(value);
  const text = options.hash[rules.select(n)] ?? options.hash.other;
  return String(text).replace(/#/g, numberFormat(locale).format(n));
});
h.registerHelper("upper", function (value, options) {
  return String(value ?? "").toLocaleUpperCase(settings(options).locale);
});
h.registerHelper("lower", function (value, options) {
  return String(value ?? "").toLocaleLowerCase(settings(options).locale);
});

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const compiled = Object.entries(input.templates).map(([name, source]) => [name, h.compile(source)]);
const render = () => {
  const out = {};
  for (const [name, template] of compiled) out[name] = template(input.data);
  return out;
};
const output = render();
// Warm up the JIT, then measure.
for (let i = 0; i < 2000; i++) render();
const deadline = process.hrtime.bigint() + BigInt(Math.round(input.seconds * 1e9));
let renders = 0;
const start = process.hrtime.bigint();
let now = start;
while (now < deadline) {
  for (let i = 0; i < 100; i++) render();
  renders += 100;
  now = process.hrtime.bigint();
}
const elapsed = Number(now - start) / 1e9;
process.stdout.write(JSON.stringify({ renders_per_second: renders / elapsed, output }) + "\n");
