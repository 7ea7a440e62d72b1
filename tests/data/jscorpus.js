// SPDX-License-Identifier: MIT
//
// Generates the JSON.stringify conformance corpus that tst_jsonwriter and tst_jsonreader check
// Runboard's reader and writer against. Node itself computes every expected output, so the
// corpus encodes JavaScript's behaviour rather than anyone's reading of it.
//
// Usage: node jscorpus.js OUTPUT [--seed N] [--count N]
//
// OUTPUT receives one JSON object per line:
//   {"name": "...", "input": "<JSON text>",
//    "pretty": "<JSON.stringify(JSON.parse(input), null, 2)>",
//    "compact": "<JSON.stringify(JSON.parse(input))>"}
// The inputs are spelled on purpose in non-canonical ways (whitespace styles, escapes where none
// are needed, numbers as 1E5, 1.0, 17-digit mantissas, integers beyond 2^53, duplicate keys), and
// all of them are documents Runboard's reader must accept: no lone surrogates, no byte order
// mark, every number finite as a double, nesting well below the default limit of 512.
//
// The PRNG is seeded so a failure names a case that the same command reproduces.

'use strict';

const fs = require('fs');

function parseArguments(argv) {
    const options = { output: null, seed: 20261124, count: 10000 };
    for (let i = 0; i < argv.length; ++i) {
        if (argv[i] === '--seed') options.seed = Number(argv[++i]);
        else if (argv[i] === '--count') options.count = Number(argv[++i]);
        else options.output = argv[i];
    }
    if (!options.output || !Number.isInteger(options.seed) || !Number.isInteger(options.count)) {
        process.stderr.write('usage: node jscorpus.js OUTPUT [--seed N] [--count N]\n');
        process.exit(2);
    }
    return options;
}

// A 32-bit xorshift: plenty for test data, fully deterministic, and independent of Math.random.
function makeRandom(seed) {
    let state = (seed ^ 0x9e3779b9) >>> 0;
    if (state === 0) state = 0x6d2b79f5;
    const next = () => {
        state ^= state << 13;
        state >>>= 0;
        state ^= state >>> 17;
        state ^= state << 5;
        state >>>= 0;
        return state;
    };
    const random = {
        // Uniform integer in [0, n).
        below(n) { return Math.floor((next() / 4294967296) * n); },
        chance(p) { return next() / 4294967296 < p; },
        pick(list) { return list[random.below(list.length)]; },
    };
    return random;
}

// ---- Values as token trees: numbers keep their spelling, strings their escapes ----------------

const num = (text) => ({ kind: 'number', text });
const str = (value, escapeStyle) => ({ kind: 'string', value, escapeStyle });
const lit = (text) => ({ kind: 'literal', text });
const arr = (items) => ({ kind: 'array', items });
const obj = (members) => ({ kind: 'object', members }); // [[keyString, valueNode], ...]

const kCharacterPools = [
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
    '0123456789 -_.:,;!?()[]{}<>=+*&%$#@~^`|',
    '"\\/',
    Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\x7f',
    'éüßøñçÅ€£¥©®°±µ¶·»¿÷',
    '—–“”‘’…•✓✗→←中文日本語한국어Ελληνικάكتابة',
    '\u2028\u2029\ufeff\u00a0\u200b\uffff\u0080\u07ff\u0800',
    '😀🚀🎉👍🏽𝄞𐍈🦀',
];

function randomString(random, maxLength) {
    const length = random.below(maxLength + 1);
    let out = '';
    for (let i = 0; i < length; ++i) {
        // Iterate by code point so astral characters are never cut in half.
        const pool = Array.from(random.pick(kCharacterPools));
        out += random.pick(pool);
    }
    return out;
}

const kSpecialKeys = [
    '0', '1', '2', '10', '01', '007', '-1', '1.5', '1e3', '4294967294', '4294967295',
    '4294967296', '9007199254740993', '', ' ', '__proto__', 'constructor', 'toString', 'a', 'b',
    'id', 'status', '\u2028', 'é', '😀', '"', '\\', '\n', '\u0000',
];

function randomKey(random) {
    if (random.chance(0.35)) return random.pick(kSpecialKeys);
    if (random.chance(0.15)) return String(random.below(random.chance(0.5) ? 20 : 5000000000));
    return randomString(random, 12);
}

function digits(random, count) {
    let out = '';
    for (let i = 0; i < count; ++i) out += String(random.below(10));
    return out;
}

// Random number spellings, each of which must stay finite as a double.
function randomNumberText(random) {
    switch (random.below(12)) {
    case 0: // small integers
        return String(random.below(2001) - 1000);
    case 1: { // 17 significant digits over a wide exponent range
        const exponent = random.below(600) - 300;
        const sign = random.chance(0.3) ? '-' : '';
        const e = random.pick(['e', 'E']);
        const expSign = exponent >= 0 ? random.pick(['', '+']) : '-';
        const mantissa = `${1 + random.below(9)}.${digits(random, 16)}`;
        return `${sign}${mantissa}${e}${expSign}${Math.abs(exponent)}`;
    }
    case 2: { // 17 significant digits near the plain-decimal boundaries
        const sign = random.chance(0.5) ? '-' : '';
        const mantissa = `${1 + random.below(9)}.${digits(random, 16)}`;
        return `${sign}${mantissa}e${random.below(44) - 22}`;
    }
    case 3: { // what JS itself writes for a random double
        const sign = random.chance(0.5) ? -1 : 1;
        const ratio = random.below(1 << 30) / (1 + random.below(1 << 20));
        return String(sign * ratio * Math.pow(10, random.below(60) - 30));
    }
    case 4: // integers beyond 2^53, up to and beyond 64 bits
        return (random.chance(0.3) ? '-' : '') + (1 + random.below(9))
            + digits(random, 15 + random.below(8));
    case 5: // around 2^53, 2^63 and 2^64
        return random.pick(['9007199254740991', '9007199254740992', '9007199254740993',
                            '-9007199254740993', '9223372036854775807', '9223372036854775808',
                            '-9223372036854775808', '-9223372036854775809', '18446744073709551615',
                            '18446744073709551616', '18446744073709552000']);
    case 6: // integral values spelled as floats
        return random.pick(['1.0', '-1.0', '100.000', '1e2', '1E5', '1e16', '1e20', '1e21', '-0.0',
                            '0.0', '0e10', '-0e-5', '2.50', '0.10', '1.5e1']);
    case 7: { // decimals with few digits, as hand-written files have
        const sign = random.chance(0.3) ? '-' : '';
        return `${sign}${random.below(1000)}.${digits(random, 1 + random.below(3))}`;
    }
    case 8: // tiny and subnormal
        return random.pick(['5e-324', '4.9e-324', '2.2250738585072014e-308', '1e-310', '1e-7',
                            '0.000001', '0.0000123', '1e-400', '-1e-400',
                            '1.7976931348623157e308']);
    case 9: { // exponent spellings
        const mantissa = random.below(100);
        const e = random.pick(['e', 'E']);
        const expSign = random.pick(['', '+', '-']);
        return `${mantissa}${e}${expSign}${random.below(25)}`;
    }
    case 10:
        return random.pick(['0', '-0', '1', '-1']);
    default: // money-like and counters
        return String(random.below(100000) / 100);
    }
}

function randomScalar(random) {
    const r = random.below(10);
    if (r < 4) return num(randomNumberText(random));
    if (r < 8) return str(randomString(random, 24), random.below(4));
    return lit(random.pick(['true', 'false', 'null']));
}

function randomValue(random, depth) {
    if (depth <= 0 || random.chance(0.3)) return randomScalar(random);
    const size = random.below(random.chance(0.1) ? 10 : 4);
    if (random.chance(0.45)) {
        return arr(Array.from({ length: size }, () => randomValue(random, depth - 1)));
    }
    const members = [];
    for (let i = 0; i < size; ++i) {
        // Sometimes repeat an earlier key: JSON.parse keeps the last value at the first position.
        const key = members.length && random.chance(0.12) ? random.pick(members)[0]
                                                           : randomKey(random);
        members.push([key, randomValue(random, depth - 1)]);
    }
    return obj(members);
}

// ---- Spelling a token tree as JSON text ------------------------------------------------------

const kShortEscapes = {
    '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t',
};

function hex4(code, upper) {
    const text = code.toString(16).padStart(4, '0');
    return upper ? text.toUpperCase() : text;
}

// escapeStyle 0: as JSON.stringify would; 1: \u-escape everything non-ASCII; 2: escape some
// characters at random, including "\/"; 3: uppercase \u escapes for all control characters.
function spellString(value, escapeStyle, random) {
    let out = '"';
    for (const ch of value) { // by code point
        const code = ch.codePointAt(0);
        const short = kShortEscapes[ch];
        const escapeAll = () => {
            if (code > 0xffff) {
                const high = 0xd800 + ((code - 0x10000) >> 10);
                const low = 0xdc00 + ((code - 0x10000) & 0x3ff);
                return `\\u${hex4(high, random.chance(0.5))}\\u${hex4(low, random.chance(0.5))}`;
            }
            return `\\u${hex4(code, escapeStyle === 3 || random.chance(0.3))}`;
        };
        if (code < 0x20 && escapeStyle === 3) out += escapeAll();
        else if (short && random.chance(0.8)) out += short;
        else if (code < 0x20 || ch === '"' || ch === '\\') out += escapeAll();
        else if (escapeStyle === 1 && code > 0x7e) out += escapeAll();
        else if (escapeStyle === 2 && ch === '/' && random.chance(0.5)) out += '\\/';
        else if (escapeStyle === 2 && random.chance(0.2)) out += escapeAll();
        else out += ch;
    }
    return out + '"';
}

// Whitespace styles: 0 compact, 1 two-space pretty (what Node writes), 2 four spaces,
// 3 tabs with CRLF, 4 random whitespace between every token.
function spell(node, style, random, depth = 0) {
    const gap = (n) => ['', '  ', '    ', '\t', ''][style].repeat(n);
    const newline = ['', '\n', '\n', '\r\n', ''][style];
    const junk = () => {
        if (style !== 4) return '';
        const count = random.below(3);
        return Array.from({ length: count }, () => random.pick([' ', '\t', '\n', '\r'])).join('');
    };
    switch (node.kind) {
    case 'number':
    case 'literal':
        return junk() + node.text + junk();
    case 'string':
        return junk() + spellString(node.value, node.escapeStyle, random) + junk();
    case 'array': {
        if (!node.items.length) return junk() + '[' + junk() + ']' + junk();
        const inner = node.items.map(
            (item) => newline + gap(depth + 1) + spell(item, style, random, depth + 1));
        return junk() + '[' + inner.join(',') + newline + gap(depth) + ']' + junk();
    }
    case 'object': {
        if (!node.members.length) return junk() + '{' + junk() + '}' + junk();
        const colon = style === 0 ? ':' : style === 4 ? junk() + ':' : ': ';
        const inner = node.members.map(([key, value]) => newline + gap(depth + 1) + junk()
            + spellString(key, random.below(4), random) + colon
            + spell(value, style, random, depth + 1));
        return junk() + '{' + inner.join(',') + newline + gap(depth) + '}' + junk();
    }
    }
    throw new Error(`unknown node ${node.kind}`);
}

// ---- The fixed edge cases (json-libraries.md, "Edge cases") ---------------------------------

function nested(depth, open, close, inner) {
    return open.repeat(depth) + inner + close.repeat(depth);
}

const kAllControls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');

const kEdgeCases = [
    ['1e+21', '1e+21'],
    ['1.5e+300', '1.5e+300'],
    ['max double', '1.7976931348623157e+308'],
    ['1e-7', '1e-7'],
    ['0.000001', '0.000001'],
    ['0.0000123', '0.0000123'],
    ['1e20 as integer digits', '100000000000000000000'],
    ['2^64 as JS writes it', '18446744073709552000'],
    ['1.0', '1.0'],
    ['1E5', '1E5'],
    ['1e16', '1e16'],
    ['-0.0', '-0.0'],
    ['-0', '-0'],
    ['0.10', '0.10'],
    ['2^53+1', '9007199254740993'],
    ['2^63', '9223372036854775808'],
    ['u64 max', '18446744073709551615'],
    ['-2^63', '-9223372036854775808'],
    ['below -2^63', '-9223372036854775809'],
    ['30 digits', '123456789012345678901234567890'],
    ['5e-324', '5e-324'],
    ['1e-400 underflow', '1e-400'],
    ['-1e-400 underflow', '-1e-400'],
    ['numbers in an array', '[1e+21,1e-7,0.000001,1e20,1.0,1E5,1e16,-0.0,-0,0.10,1e21,123e-2]'],
    ['raw U+2028/U+2029', '"a\u2028b\u2029c"'],
    ['escaped U+2028/U+2029', '"a\\u2028b\\u2029c"'],
    ['controls and DEL', '"\\u0001\\u001f\\u007f"'],
    ['all C0 escapes', JSON.stringify(kAllControls)],
    ['escaped slash', '"a\\/b"'],
    ['escaped non-ASCII', '"\\u00e9\\u4e2d\\u2713"'],
    ['escaped surrogate pair', '"\\ud83d\\ude00 \\uD834\\uDD1E"'],
    ['escaped NUL', '"a\\u0000b"'],
    ['escapes in keys', '{"a\\nb":1,"\\u00e9":2,"\\"q\\"":3,"\\\\":4}'],
    ['array-index keys', '{"b":1,"10":2,"2":3,"a":4}'],
    ['index-like keys', '{"z":0,"4294967295":1,"4294967294":2,"01":3,"-1":4,"1.5":5,"0":6,"":7}'],
    ['duplicate key', '{"a":1,"b":2,"a":3}'],
    ['duplicate container key', '{"a":{"x":1},"b":[1],"a":[2,{"y":3}],"b":{}}'],
    ['duplicate index key', '{"5":1,"x":2,"5":3,"1":4}'],
    ['top-level 42', '42'],
    ['top-level string', '"x"'],
    ['top-level true', 'true'],
    ['top-level null', ' null '],
    ['depth 40', nested(40, '[', ']', '')],
    ['depth 40 objects', nested(40, '{"a":', '}', '1')],
    ['depth 500', nested(500, '[', ']', '"deep"')],
    ['[]', '[]'],
    ['{}', '{}'],
    ['[[]]', '[[]]'],
    ['[{}]', '[{}]'],
    ['empty key', '{"":""}'],
    ['__proto__ key', '{"__proto__":{"polluted":true},"constructor":1}'],
    ['compact manifest', '{"version":1,"tasks":[{"id":"T-1","weight":0.1,"dependsOn":[],'
        + '"labels":{},"claimLeaseUntil":null}]}'],
    ['whitespace everywhere', ' \r\n\t{ "a" :\n[ 1 ,\t2 ] , "b" : { } }\n\n'],
];

// ---- Main -------------------------------------------------------------------------------------

function main() {
    const options = parseArguments(process.argv.slice(2));
    const random = makeRandom(options.seed);
    const lines = [];
    const emit = (name, input) => {
        const value = JSON.parse(input);
        lines.push(JSON.stringify({
            name,
            input,
            pretty: JSON.stringify(value, null, 2),
            compact: JSON.stringify(value),
        }));
    };

    for (const [name, input] of kEdgeCases) emit(`edge: ${name}`, input);
    // The same values as Node itself writes them, which must come back unchanged.
    for (const [name, input] of kEdgeCases) {
        emit(`edge pretty: ${name}`, JSON.stringify(JSON.parse(input), null, 2));
    }

    for (let i = 0; i < options.count; ++i) {
        const tree = random.chance(0.05) ? randomScalar(random)
                                         : randomValue(random, 1 + random.below(5));
        emit(`random #${i} (seed ${options.seed})`, spell(tree, random.below(5), random));
    }

    fs.writeFileSync(options.output, lines.join('\n') + '\n');
}

main();
