// SPDX-License-Identifier: MIT
//
// The Node side of bench_json (tests/benchmarks/bench_json.cpp starts it; not meant to be run on
// its own, though it can be).
//
//   node bench_json.js normalize IN OUT
//       writes JSON.stringify(JSON.parse(IN), null, 2) to OUT, without a trailing newline: the
//       bytes ADE itself would write, which Runboard's writer must reproduce exactly.
//   node bench_json.js bench WARMUP FILE:ITERATIONS...
//       times JSON.parse (on the already decoded string, as the C++ side parses bytes already in
//       memory) and JSON.stringify(v, null, 2) for each file; prints one JSON object per line:
//       {"node":version} first, then {"file","bytes","parse":{median,p90},"stringify":{...},
//       "roundTrip":bool} per file. Times are milliseconds.

'use strict';

const fs = require('fs');

function stats(samples) {
    const sorted = samples.slice().sort((a, b) => a - b);
    const n = sorted.length;
    const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    const p90 = sorted[Math.max(0, Math.ceil(0.9 * n) - 1)];
    return { median, p90 };
}

// Keeps results reachable until the sample is taken, so the engine cannot drop the work.
let sink = 0;

function measure(warmup, iterations, body) {
    for (let i = 0; i < warmup; ++i)
        sink += body() ? 1 : 0;
    const samples = [];
    for (let i = 0; i < iterations; ++i) {
        const start = process.hrtime.bigint();
        const result = body();
        const end = process.hrtime.bigint();
        sink += result ? 1 : 0;
        samples.push(Number(end - start) / 1e6);
    }
    return stats(samples);
}

function normalize(input, output) {
    const text = fs.readFileSync(input, 'utf8');
    fs.writeFileSync(output, JSON.stringify(JSON.parse(text), null, 2));
}

function bench(warmup, specs) {
    console.log(JSON.stringify({ node: process.version }));
    for (const spec of specs) {
        const colon = spec.lastIndexOf(':');
        const file = spec.slice(0, colon);
        const iterations = Number(spec.slice(colon + 1));
        const text = fs.readFileSync(file, 'utf8');
        const value = JSON.parse(text);
        const parse = measure(warmup, iterations, () => JSON.parse(text));
        const stringify = measure(warmup, iterations, () => JSON.stringify(value, null, 2));
        console.log(JSON.stringify({
            file,
            bytes: Buffer.byteLength(text, 'utf8'),
            parse,
            stringify,
            roundTrip: JSON.stringify(value, null, 2) === text,
        }));
    }
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'normalize' && rest.length === 2) {
    normalize(rest[0], rest[1]);
} else if (mode === 'bench' && rest.length >= 2) {
    bench(Number(rest[0]), rest.slice(1));
} else {
    console.error('usage: node bench_json.js normalize IN OUT\n'
                  + '       node bench_json.js bench WARMUP FILE:ITERATIONS...');
    process.exit(2);
}
if (sink < 0)
    console.error(sink);
