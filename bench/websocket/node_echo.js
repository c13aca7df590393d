#!/usr/bin/env node
// Echo server for bench/websocket: Node's own `ws` package, same protocol
// as echo.c and aiohttp_echo.py: every message received on /ws is sent, as
// it came, to every connected client (with one client, an echo; with
// many, a relay, as rtcbotwebsocketbin's server mode does).
//
//   node node_echo.js [PORT [SECONDS]]
//
// Prints "PORT <n>" once listening (PORT 0: a free one); stops on
// SIGTERM/SIGINT, or after SECONDS.
'use strict';
const http = require('http');
const WebSocket = require('ws');

const port = Number(process.argv[2] || 0);
const seconds = Number(process.argv[3] || 0);

const server = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});
const wss = new WebSocket.Server({ server, path: '/ws',
                                   perMessageDeflate: false });

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN)
        client.send(data, { binary: isBinary });
    }
  });
  // a client going away is not the server's failure
  ws.on('error', () => {});
});

function stop() {
  for (const client of wss.clients)
    client.terminate();
  wss.close();
  server.close(() => process.exit(0));
}

server.listen(port, '127.0.0.1', () => {
  console.log('PORT ' + server.address().port);
});
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (seconds > 0)
  setTimeout(stop, seconds * 1000).unref();
