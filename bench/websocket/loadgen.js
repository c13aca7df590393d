#!/usr/bin/env node
// Load generator for bench/websocket (node + the `ws` package).
//
//   node loadgen.js URL [--messages N] [--window W] [--rtt M] [--clients C]
//                       [--timeout S]
//
// C connections (default 1) to a server that relays every message to every
// connected client (with one client: an echo). 100-byte JSON text messages
// ({"c":client,"seq":..,"pad":"..."}).
//  * throughput: the clients send N messages in all (N/C each, at most W of
//    a client's own unanswered when --window is given; default: all at
//    once), then wait until every client got every message:
//    msgs/s = N / (last delivery - first send), deliveries/s = N*C / same.
//  * ping-pong: M round trips of client 0's messages, one in flight, while
//    the other clients receive them too; p50/p99/max in us.
// Prints one JSON line with the results. Lost deliveries (timeout) are
// reported, not hidden.
'use strict';
const WebSocket = require('ws');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const url = process.argv[2];
const C = arg('clients', 1);
const N = Math.floor(arg('messages', 20000) / C) * C;
const PER_CLIENT = N / C;
const W = arg('window', 0) || PER_CLIENT;
const M = arg('rtt', 2000);
const WARMUP = arg('warmup', 500);
const TIMEOUT_MS = arg('timeout', 20) * 1000;
const SIZE = 100;

function message(client, seq) {
  const head = '{"c":' + client + ',"seq":' + seq + ',"pad":"';
  return head + 'x'.repeat(SIZE - head.length - 2) + '"}';
}
if (Buffer.byteLength(message(49, 123456)) !== SIZE) throw new Error('size');

function withTimeout(promise, what) {
  let t;
  return Promise.race([promise, new Promise((_, rej) => {
    t = setTimeout(() => rej(new Error('timeout: ' + what)), TIMEOUT_MS);
  })]).finally(() => clearTimeout(t));
}

// Each client counts every delivery, and its own messages coming back
// (which is what its window waits for).
class Client {
  constructor(id) {
    this.id = id;
    this.prefix = '{"c":' + id + ',';
    this.onOwn = () => {};
    this.onAny = () => {};
  }

  open() {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(url, { perMessageDeflate: false });
      this.ws.on('open', resolve);
      this.ws.on('error', reject);
      this.ws.on('message', (data) => {
        this.onAny();
        if (data.toString('latin1', 0, this.prefix.length) === this.prefix) this.onOwn();
      });
    });
  }
}

function pingPong(client, count) {
  return new Promise((resolve) => {
    const rtts = [];
    let t0;
    const next = () => {
      if (rtts.length === count) return resolve(rtts);
      t0 = process.hrtime.bigint();
      client.ws.send(message(client.id, rtts.length));
    };
    client.onOwn = () => {
      rtts.push(Number(process.hrtime.bigint() - t0) / 1000);
      next();
    };
    next();
  });
}

function throughput(clients) {
  let deliveries = 0;
  const t0 = process.hrtime.bigint();
  const p = new Promise((resolve) => {
    for (const c of clients) {
      let sent = 0, own = 0;
      const pump = () => {
        while (sent < PER_CLIENT && sent - own < W) c.ws.send(message(c.id, sent++));
      };
      c.onOwn = () => { own++; pump(); };
      c.onAny = () => {
        deliveries++;
        if (deliveries === N * C) resolve(Number(process.hrtime.bigint() - t0) / 1e9);
      };
      pump();
    }
  });
  return withTimeout(p, 'throughput').then(
    (s) => ({ seconds: s, deliveries }),
    () => ({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, deliveries, timedOut: true }));
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];
}

async function main() {
  const out = { url, size: SIZE, clients: C, messages: N, window: W === PER_CLIENT ? 'all' : W };
  const clients = [];
  for (let i = 0; i < C; i++) clients.push(new Client(i));
  try {
    await withTimeout(Promise.all(clients.map((c) => c.open())), 'connect');
    await withTimeout(pingPong(clients[0], WARMUP), 'warm-up');
    // the warm-up went to every client; let it arrive before counting
    await new Promise((r) => setTimeout(r, 200));
    const tp = await throughput(clients);
    out.throughput = {
      msgs_per_s: Math.round(tp.deliveries / C / tp.seconds),
      deliveries_per_s: Math.round(tp.deliveries / tp.seconds),
      seconds: +tp.seconds.toFixed(4), received: tp.deliveries / C,
      lost: N - Math.floor(tp.deliveries / C),
      lost_deliveries: N * C - tp.deliveries,
    };
    for (const c of clients) { c.onOwn = () => {}; c.onAny = () => {}; }
    // let any stragglers arrive before measuring latency
    await new Promise((r) => setTimeout(r, 200));
    const rtts = (await withTimeout(pingPong(clients[0], M), 'ping-pong')).sort((a, b) => a - b);
    out.rtt_us = {
      count: M, p50: +pct(rtts, 50).toFixed(1), p99: +pct(rtts, 99).toFixed(1),
      max: +rtts[rtts.length - 1].toFixed(1),
    };
  } catch (e) {
    out.error = e.message;
  }
  console.log(JSON.stringify(out));
  for (const c of clients) if (c.ws) c.ws.close();
  setTimeout(() => process.exit(out.error ? 1 : 0), 100);
}
main();
