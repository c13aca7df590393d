#!/usr/bin/env node
// Load generator for bench/websocket (node + the `ws` package).
//
//   node loadgen.js URL [--messages N] [--window W] [--rtt M] [--timeout S]
//
// One connection. 100-byte JSON text messages ({"seq":..,"pad":"..."}).
//  * throughput: N messages sent back-to-back (at most W unanswered when
//    --window is given; default: all N at once), then wait for every echo;
//    msgs/s = N / (last echo - first send).
//  * ping-pong: M round trips with one message in flight; p50/p99/max in us.
// Prints one JSON line with the results. Lost echoes (timeout) are reported,
// not hidden.
'use strict';
const WebSocket = require('ws');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const url = process.argv[2];
const N = arg('messages', 20000);
const W = arg('window', 0) || N;
const M = arg('rtt', 2000);
const WARMUP = arg('warmup', 500);
const TIMEOUT_MS = arg('timeout', 20) * 1000;
const SIZE = 100;

function message(seq) {
  const head = '{"seq":' + seq + ',"pad":"';
  return head + 'x'.repeat(SIZE - head.length - 2) + '"}';
}
if (Buffer.byteLength(message(123456)) !== SIZE) throw new Error('size');

const ws = new WebSocket(url, { perMessageDeflate: false });
let onMessage = () => {};
ws.on('message', (data) => onMessage(data));
ws.on('error', (e) => { console.error('loadgen: ' + e.message); process.exit(1); });

function withTimeout(promise, what) {
  let t;
  return Promise.race([promise, new Promise((_, rej) => {
    t = setTimeout(() => rej(new Error('timeout: ' + what)), TIMEOUT_MS);
  })]).finally(() => clearTimeout(t));
}

function pingPong(count) {
  return new Promise((resolve) => {
    const rtts = [];
    let t0;
    const next = () => {
      if (rtts.length === count) return resolve(rtts);
      t0 = process.hrtime.bigint();
      ws.send(message(rtts.length));
    };
    onMessage = () => {
      rtts.push(Number(process.hrtime.bigint() - t0) / 1000);
      next();
    };
    next();
  });
}

function throughput(count, window) {
  let sent = 0, received = 0;
  const t0 = process.hrtime.bigint();
  const p = new Promise((resolve) => {
    const pump = () => {
      while (sent < count && sent - received < window) ws.send(message(sent++));
    };
    onMessage = () => {
      received++;
      if (received === count) resolve(Number(process.hrtime.bigint() - t0) / 1e9);
      else pump();
    };
    pump();
  });
  return withTimeout(p, 'throughput').then(
    (s) => ({ seconds: s, received }),
    () => ({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, received, timedOut: true }));
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];
}

ws.on('open', async () => {
  const out = { url, size: SIZE, messages: N, window: W === N ? 'all' : W };
  try {
    await withTimeout(pingPong(WARMUP), 'warm-up');
    const tp = await throughput(N, W);
    out.throughput = {
      msgs_per_s: Math.round(tp.received / tp.seconds),
      seconds: +tp.seconds.toFixed(4), received: tp.received,
      lost: N - tp.received,
    };
    // let any stragglers arrive before measuring latency
    onMessage = () => {};
    await new Promise((r) => setTimeout(r, 200));
    const rtts = (await withTimeout(pingPong(M), 'ping-pong')).sort((a, b) => a - b);
    out.rtt_us = {
      count: M, p50: +pct(rtts, 50).toFixed(1), p99: +pct(rtts, 99).toFixed(1),
      max: +rtts[rtts.length - 1].toFixed(1),
    };
  } catch (e) {
    out.error = e.message;
  }
  console.log(JSON.stringify(out));
  ws.close();
  setTimeout(() => process.exit(out.error ? 1 : 0), 100);
});
