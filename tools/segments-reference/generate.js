// generate.js runs Twilio's sms-segments-calculator (the exact version pinned
// in package.json) over a wide, deterministic set of message bodies and writes
// internal/content/testdata/golden.json. The Go tests of package content
// compare against that file, so Node is needed only to regenerate it:
//
//	npm ci && npm run generate
//
// which also reruns graphemeprops.js and smarttable.js, the two scripts that
// derive the Go data tables (grapheme break properties, smart encoding
// replacements) from the same installed packages.
'use strict';

const fs = require('fs');
const path = require('path');
const { SegmentedMessage } = require('sms-segments-calculator');
const GraphemeSplitter = require('grapheme-splitter');
const calcVersion = require('sms-segments-calculator/package.json').version;

// mulberry32: a tiny seeded PRNG so every run produces the same file.
function rng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(0x5e9e17);
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const cps = (...list) => list.map((c) => String.fromCodePoint(c));
const range = (lo, hi) => { const out = []; for (let c = lo; c <= hi; c++) out.push(String.fromCodePoint(c)); return out; };

// Character pools. The GSM pools are probed from the calculator itself rather
// than typed in, so they cannot drift from what it treats as GSM-7.
const gsmBasic = [];
const gsmExt = [];
for (let c = 0; c < 0x10000; c++) {
  if (c >= 0xd800 && c <= 0xdfff) continue;
  const ch = String.fromCharCode(c);
  const m = new SegmentedMessage(ch);
  if (m.encodingName !== 'GSM-7') continue;
  (m.numberOfCharacters === 2 ? gsmExt : gsmBasic).push(ch);
}
const letters = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789     .,!?'];
const latinNonGSM = [...'áíóúâêîôûãõçğışİŞÁÍÓÚÂÊÔÃÕŁłŻżřšžčćđœŒ`ÿ'];
const smartChars = [...'«»“”„‘’‚′″–—―‐…•·´˜ˆ÷¼½¾', '\u00a0', '\u2009', '\u202f', '\u3000', '\u200b', '\u200c', '\u2060', '\ufeff', '\u2028', '\t', ...range(0xff01, 0xff5e)];
const cyrillic = range(0x0410, 0x044f);
const greek = range(0x03b1, 0x03c9).concat(range(0x0391, 0x03a9).filter((c) => c !== '\u03a2'));
const arabic = range(0x0621, 0x064a).concat(range(0x064b, 0x0652));
const hebrew = range(0x05d0, 0x05ea).concat(cps(0x05b0, 0x05b4, 0x05bc));
const devanagari = range(0x0905, 0x0939).concat(range(0x093e, 0x094d), cps(0x093c, 0x0902, 0x0903, 0x0964));
const bengali = range(0x0985, 0x09b9).concat(range(0x09be, 0x09cd));
const tamil = range(0x0b85, 0x0bb9).concat(range(0x0bbe, 0x0bcd));
const thai = range(0x0e01, 0x0e3a).concat(range(0x0e40, 0x0e4e));
const cjk = [...'你好世界中文短信测试日本語のテキストです한국어메시지'].concat(range(0x4e00, 0x4e40));
const hangulJamo = range(0x1100, 0x1112).concat(range(0x1161, 0x1175), range(0x11a8, 0x11c2), cps(0xac00, 0xac01, 0xd7a3));
const emoji = cps(0x1f600, 0x1f602, 0x1f60d, 0x1f44d, 0x1f44b, 0x1f466, 0x1f467, 0x1f468, 0x1f469, 0x1f3c3, 0x1f30d, 0x1f389,
  0x2764, 0x2708, 0x2640, 0x2642, 0x263a, 0x2600, 0x2b50, 0x1f308, 0x1f680, 0x1f52c, 0x1f3f3, 0x1f3f4, 0x1f9d1, 0x1f91d, 0x26f9);
const modifiers = range(0x1f3fb, 0x1f3ff);
const regional = range(0x1f1e6, 0x1f1ff);
const combining = range(0x0300, 0x0315).concat(cps(0x20e3, 0x20dd, 0x0489));
const joiners = cps(0x200d, 0xfe0f, 0xfe0e, 0x200c);
const tags = range(0xe0061, 0xe007a).concat(cps(0xe007f, 0xe0067, 0xe0062));
const prepend = cps(0x0600, 0x0605, 0x06dd, 0x070f, 0x08e2, 0x0d4e, 0x110bd, 0x111c2);
const controls = cps(0x0000, 0x0007, 0x0008, 0x000b, 0x001b, 0x007f, 0x0085, 0x00ad, 0x0009);
const breaks = ['\r', '\n', '\r\n', '\n\r'];
const astral = cps(0x1d400, 0x1d538, 0x20000, 0x2a6d6, 0x1f004, 0x10400, 0x1f170);

const allPools = {
  letters, gsmBasic, gsmExt, latinNonGSM, smartChars, cyrillic, greek, arabic, hebrew, devanagari, bengali,
  tamil, thai, cjk, hangulJamo, emoji, modifiers, regional, combining, joiners, tags, prepend, controls, breaks, astral,
};

const cases = [];
const seen = new Set();
function add(name, text) {
  if (seen.has(text)) return;
  seen.add(text);
  cases.push({ name, text });
}

// Documented and everyday cases.
add('empty', '');
add('readme hello', 'Hello World');
add('readme wave', '👋 Hello World 🌍');
add('single space', ' ');
add('appointment', 'Hi Sam, your appointment is confirmed for 3:30pm on Tue 12 Mar. Reply STOP to opt out.');
add('otp', 'Your verification code is 482913. It expires in 10 minutes.');
add('curly quotes', 'It’s “quoted” — isn’t it…');
add('euro', 'Total: €12.50 {incl. VAT} [ref ^~|\\]');
add('combining e', 'Cafe\u0301 ole\u0301');
add('precomposed e', 'Café olé');
add('spanish', '¿Dónde está la estación? ¡Mañana!');
add('portuguese', 'Olá, não há ação até amanhã às três horas.');
add('turkish', 'Güneşli günler, İstanbul’da buluşalım: ğüşıöç ĞÜŞİÖÇ');
add('german', 'Grüße aus München: Straße, Äpfel, Öl, Übung.');
add('french', 'Où est la bibliothèque ? Ça coûte 5 € — très cher !');
add('hindi', 'नमस्ते, आपका ऑर्डर भेज दिया गया है। अनुच्छेद क्षत्रिय');
add('bengali', 'আপনার অর্ডার পাঠানো হয়েছে');
add('tamil', 'உங்கள் ஆர்டர் அனுப்பப்பட்டது');
add('telugu', 'మీ ఆర్డర్ పంపబడింది');
add('gujarati', 'તમારો ઓર્ડર મોકલવામાં આવ્યો છે');
add('punjabi', 'ਤੁਹਾਡਾ ਆਰਡਰ ਭੇਜ ਦਿੱਤਾ ਗਿਆ ਹੈ');
add('urdu', 'آپ کا آرڈر بھیج دیا گیا ہے');
add('arabic', 'تم شحن طلبك. شكرا لك!');
add('hebrew', 'ההזמנה שלך נשלחה. תודה!');
add('russian', 'Ваш заказ отправлен. Спасибо!');
add('greek', 'Η παραγγελία σας στάλθηκε. ΓΔΘΛΞΠΣΦΨΩ');
add('chinese', '您的订单已发货，谢谢！');
add('japanese', 'ご注文の商品を発送しました。ありがとうございます！');
add('korean', '주문하신 상품이 발송되었습니다. 감사합니다!');
add('thai', 'คำสั่งซื้อของคุณถูกจัดส่งแล้ว ขอบคุณ');
add('vietnamese', 'Đơn hàng của bạn đã được gửi. Cảm ơn!');
add('hangul jamo', '\u1100\u1161\u11a8\u1100\u1161 \u1112\u1175');
add('emoji skin tones', '👍🏻👍🏼👍🏽👍🏾👍🏿');
add('emoji zwj family', '👨‍👩‍👧‍👦 family');
add('emoji zwj profession', '👩🏽‍🚀 🧑‍🤝‍🧑 👨‍💻 🏳️‍🌈 🏴‍☠️ ❤️‍🔥');
add('flags', '🇺🇸🇬🇧🇫🇷🇯🇵🇧🇷 🇩🇪');
add('odd regional indicators', '🇺🇸🇬');
add('subdivision flag', '🏴󠁧󠁢󠁥󠁮󠁧󠁿 England');
add('keycaps', '1️⃣ 2️⃣ #️⃣ *️⃣');
add('variation selectors', '☺︎ ☺️ ✈️ ❤️');
add('line breaks LF', 'line one\nline two\n');
add('line breaks CRLF', 'line one\r\nline two\r\n');
add('line breaks CR', 'line one\rline two\r');
add('line breaks mixed', 'a\r\nb\nc\rd\n\re');
add('form feed', 'page\fbreak');
add('tab', 'col1\tcol2');
add('nbsp', 'a\u00a0b');
add('backtick', 'use `code`');
add('zero width', 'zero\u200bwidth\u200djoin\ufeff');

// Every GSM character alone, and each one placed right at the multipart and
// single-part edges (escape pairs must not be split).
for (const ch of gsmBasic.concat(gsmExt)) add('gsm char U+' + ch.charCodeAt(0).toString(16), ch);
for (const ch of gsmExt) {
  for (const before of [152, 153, 159, 160, 305, 306]) add(`ext ${ch} after ${before}`, 'a'.repeat(before) + ch + 'b');
}
add('all gsm basic', gsmBasic.join(''));
add('all gsm ext', gsmExt.join(''));
add('all gsm', gsmBasic.concat(gsmExt).join(''));

// Length boundaries.
const lengths = new Set();
for (let n = 0; n <= 220; n++) lengths.add(n);
for (let k = 1; k <= 7; k++) for (const d of [-2, -1, 0, 1, 2]) { lengths.add(153 * k + d); lengths.add(67 * k + d); }
for (const n of [...lengths].sort((a, b) => a - b)) {
  if (n < 0) continue;
  add(`gsm x${n}`, 'a'.repeat(n));
  add(`ucs2 x${n}`, 'я'.repeat(n));
  if (n > 0) add(`gsm x${n - 1} + ucs2`, 'a'.repeat(n - 1) + 'я');
  if (n <= 200 || n % 67 <= 2 || n % 67 >= 65) add(`ext x${n}`, '{'.repeat(n));
}
for (let n = 60; n <= 140; n++) {
  add(`emoji after ${n}`, 'я'.repeat(n) + '😀' + 'я');
  add(`zwj family after ${n}`, 'я'.repeat(n) + '👨‍👩‍👧‍👦' + 'я');
  if (n <= 140) add(`flag after ${n}`, 'я'.repeat(n) + '🇺🇸');
}
for (const n of [134, 135, 136, 137, 200, 201, 202, 268]) add(`emoji only x${n / 2}`, '😀'.repeat(n / 2));

// Graphemes larger than a segment's capacity (the reference never splits a
// grapheme, so these overflow a segment on purpose).
for (const n of [30, 66, 67, 68, 69, 70, 71, 100, 140]) {
  add(`huge grapheme ${n}`, 'e' + '\u0301'.repeat(n));
  add(`huge grapheme ${n} after text`, 'я'.repeat(10) + 'e' + '\u0301'.repeat(n) + 'я'.repeat(5));
  add(`huge grapheme ${n} after 60`, 'я'.repeat(60) + 'e' + '\u0301'.repeat(n) + 'b');
}

// Random bodies over mixed alphabets.
const poolNames = Object.keys(allPools);
function randomBody() {
  const mode = rand();
  let n;
  const r = rand();
  if (r < 0.3) n = pick([70, 71, 67, 134, 135, 153, 160, 161, 306, 307, 201]) + int(-4, 4);
  else if (r < 0.85) n = int(0, 160);
  else n = int(160, 400);
  n = Math.max(0, n);
  let weights;
  if (mode < 0.25) weights = { letters: 8, gsmBasic: 2, gsmExt: 1 };
  else if (mode < 0.45) weights = { letters: 12, gsmBasic: 2, gsmExt: 1, smartChars: 1, latinNonGSM: 1 };
  else if (mode < 0.6) weights = { letters: 4, emoji: 2, modifiers: 1, joiners: 1, regional: 1 };
  else if (mode < 0.75) {
    weights = {};
    for (let i = 0; i < 3; i++) weights[pick(poolNames)] = int(1, 5);
    weights.letters = 2;
  } else {
    weights = {};
    for (const p of poolNames) weights[p] = 1;
  }
  const names = Object.keys(weights);
  const total = names.reduce((s, k) => s + weights[k], 0);
  let out = '';
  for (let i = 0; i < n; i++) {
    let x = rand() * total;
    let chosen = names[0];
    for (const k of names) { x -= weights[k]; if (x < 0) { chosen = k; break; } }
    out += pick(allPools[chosen]);
  }
  return out;
}
for (let i = 0; i < 2000; i++) add(`random ${i}`, randomBody());

// Every smart-encoding entry, alone and inside text.
const smartProbe = [];
for (let c = 0; c < 0x10000; c++) {
  if (c >= 0xd800 && c <= 0xdfff) continue;
  const ch = String.fromCharCode(c);
  const plain = new SegmentedMessage(ch);
  const smart = new SegmentedMessage(ch, 'auto', true);
  const joined = smart.graphemes.join('');
  if (joined !== ch || plain.encodingName !== smart.encodingName) smartProbe.push(ch);
}
for (const ch of smartProbe) add('smart U+' + ch.charCodeAt(0).toString(16), 'x' + ch + 'y');

// Segment extends Array, so Array methods called on it build new Segments
// (with header entries); copy to a plain array first.
function segmentText(segment) {
  return Array.from(segment).filter((e) => typeof e.raw === 'string').map((e) => e.raw).join('');
}

function describe(text, smart) {
  const m = new SegmentedMessage(text, 'auto', smart);
  const res = {
    encoding: m.encodingName,
    segments: m.segmentsCount,
    characters: m.numberOfCharacters,
    message_size_bits: m.messageSize,
    total_size_bits: m.totalSize,
    unicode_scalars: m.numberOfUnicodeScalars,
    non_gsm: m.getNonGsmCharacters(),
    // Code points per segment, user data header excluded: enough to rebuild
    // each segment's text from the body without storing it twice.
    segment_scalars: m.segments.map((s) => segmentText(s)).map((t) => [...t].length),
  };
  if (smart) res.text = m.graphemes.join('');
  return res;
}

// Grapheme splitting on short random runs of one code point per break
// property, so the Go splitter is checked rule by rule.
const propertyReps = cps(0x0d, 0x0a, 0x01, 0x0300, 0x1f1e6, 0x1f1ea, 0x0903, 0x1100, 0x1161, 0x11a8, 0xac00, 0xac01,
  0x61, 0x0600, 0x261d, 0x1f3fb, 0x200d, 0x2764, 0x1f466, 0x1f600);
const graphemes = [];
const splitter = new GraphemeSplitter();
for (let i = 0; i < 4000; i++) {
  let s = '';
  const n = int(1, 10);
  for (let j = 0; j < n; j++) s += pick(propertyReps);
  // The calculator splits a CR LF cluster back into two characters.
  const clusters = [].concat(...splitter.splitGraphemes(s).map((g) => (g === '\r\n' ? ['\r', '\n'] : [g])));
  graphemes.push({ text: s, lengths: clusters.map((g) => [...g].length) });
}

const out = {
  reference: `sms-segments-calculator@${calcVersion}`,
  // smart is left out when smart encoding changes nothing, to keep the file small.
  cases: cases.map((c) => {
    const smart = describe(c.text, true);
    return { name: c.name, text: c.text, plain: describe(c.text, false), smart: smart.text === c.text ? undefined : smart };
  }),
  smart_probe: smartProbe,
  // Every BMP code point the calculator encodes as GSM-7, with its septets.
  gsm_alphabet: gsmBasic.map((c) => [c.charCodeAt(0), 1]).concat(gsmExt.map((c) => [c.charCodeAt(0), 2])),
  graphemes,
};
const target = path.join(__dirname, '..', '..', 'internal', 'content', 'testdata', 'golden.json');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, JSON.stringify(out) + '\n');
console.log(`wrote ${cases.length} cases, ${graphemes.length} grapheme runs, ${smartProbe.length} smart characters to ${target}`);
