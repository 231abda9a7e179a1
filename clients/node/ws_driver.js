#!/usr/bin/env node
// wsrepro driver for the npm `ws` library (8.x): runs ws as a client under test.
//
//   node ws_driver.js [--mode connect|keepalive|send_after_close] URL
//
// `require('ws')` is resolved through NODE_PATH, so one script serves every installed version
// (e.g. NODE_PATH=/tmp/nodews/8.23.0/node_modules). Output is wsrepro's driver protocol, as in
// clients/python/: one JSON object per line on stdout with `event` and `t` (CLOCK_MONOTONIC
// seconds), written synchronously so nothing is lost if the harness kills the driver.
//
// Modes:
//   connect           (default) connect, send WSREPRO_SEND if set, report messages until the
//                     connection closes. No keepalive: ws has none of its own on the client.
//   keepalive         the same plus the heartbeat from ws's README: a ping every
//                     WSREPRO_PING_INTERVAL_MS (default 1000); no pong within
//                     WSREPRO_PING_TIMEOUT_MS (default 1000) -> `error` keepalive_timeout,
//                     terminate(), `closed`.
//   send_after_close  seed bug 5 (python-websockets #1463), as send_after_close.py: send() three
//                     times at once after `open`, report each outcome and the state, wait for a
//                     message or the close, report the state again, exit 0.
//
// Settings (environment): WSREPRO_OPEN_TIMEOUT_MS -> ws `handshakeTimeout` (default: none);
// WSREPRO_CLOSE_TIMEOUT_MS -> ws `closeTimeout`, an option from ws 8.19.0 on: how long ws waits
// for the server to end TCP once a close handshake started. Before 8.19.0 that wait is a fixed
// 30 s; the driver then bounds its own ws.close() calls with ws.terminate() after
// WSREPRO_CLOSE_TIMEOUT_MS, but cannot bound a close the server started. WSREPRO_SEND, a message
// sent once after the handshake. WSREPRO_CLOSE_AFTER_MS: ws.close(1000) that long after the
// handshake (connect and keepalive modes), bounded as above.
//
// Exit: 0 after a normal close (code 1000, 1001 or 1005 and no error), 1 on an error or an
// abnormal close; send_after_close exits 0 whatever the outcome, 1 if the handshake fails.
// SIGINT is not caught: Node's default ends the process by the signal, as it would end any
// program using ws, and that is what the harness times.
'use strict';

const fs = require('fs');
const path = require('path');
const { emit, envMs, errorFields, unsupportedSetting } = require('./wsrepro_driver.js');

const STATES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];

function parseArgs(argv) {
  let mode = 'connect';
  let url;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--mode') mode = argv[++i];
    else if (argv[i].startsWith('--mode=')) mode = argv[i].slice('--mode='.length);
    else url = argv[i];
  }
  if (!url || !['connect', 'keepalive', 'send_after_close'].includes(mode)) {
    process.stderr.write('usage: ws_driver.js [--mode connect|keepalive|send_after_close] URL\n');
    process.exit(2);
  }
  return { mode, url };
}

function main() {
  const { mode, url } = parseArgs(process.argv.slice(2));
  const WebSocket = require('ws');
  // Read package.json from disk: ws 8.0 to 8.x do not all export './package.json'.
  const pkg = path.join(path.dirname(require.resolve('ws')), 'package.json');
  const version = JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
  emit('versions', {
    library: 'ws',
    library_version: version,
    runtime: 'node',
    runtime_version: process.versions.node,
  });
  emit('api', { api: 'new WebSocket(url, options)', mode });

  const closeTimeoutMs = envMs('WSREPRO_CLOSE_TIMEOUT_MS', mode === 'keepalive' ? 2000 : 0);
  const options = {};
  const openTimeoutMs = envMs('WSREPRO_OPEN_TIMEOUT_MS', 0);
  if (openTimeoutMs) options.handshakeTimeout = openTimeoutMs;
  const [major, minor] = version.split('.').map(Number);
  const wsHasCloseTimeout = major > 8 || (major === 8 && minor >= 19);
  if (closeTimeoutMs && wsHasCloseTimeout) options.closeTimeout = closeTimeoutMs;
  const driverClose = closeTimeoutMs && !wsHasCloseTimeout ? { driver_close_timeout: closeTimeoutMs } : {};
  emit('connecting', { url, mode, ...options, ...driverClose });

  if (mode === 'connect') {
    for (const name of ['WSREPRO_PING_INTERVAL_MS', 'WSREPRO_PING_TIMEOUT_MS']) {
      unsupportedSetting(name, 'ws has no keepalive of its own on the client (--mode keepalive runs the README heartbeat)');
    }
  }
  const ws = new WebSocket(url, options);
  let opened = false;
  let failed = false;      // an error was reported: the exit code is 1 whatever the close says
  let sentCode;            // the close code the driver made ws send (null: none), when known
  let closeTimer;

  ws.on('error', (err) => {
    failed = true;
    emit('error', errorFields(err));
  });

  // A close the driver starts. From 8.19.0 ws's closeTimeout bounds it; before, the driver
  // calls terminate() if the server has not ended the connection within WSREPRO_CLOSE_TIMEOUT_MS
  // (ws's own fixed 30 s would). Never both: two equal timers would race.
  function closeWithin(code) {
    sentCode = code;
    ws.close(code);
    if (closeTimeoutMs && !wsHasCloseTimeout) {
      closeTimer = setTimeout(() => {
        emit('error', { type: 'close_timeout', message: `no close after ${closeTimeoutMs} ms`, call: 'close' });
        failed = true;
        ws.terminate();
      }, closeTimeoutMs);
    }
  }

  // Resolves on 'close' with the `closed` event's fields.
  const closed = new Promise((resolve) => {
    ws.on('close', (code, reason) => {
      clearTimeout(closeTimer);
      const fields = { code, reason: String(reason) };
      if (sentCode !== undefined) fields.sent_code = sentCode;
      resolve(fields);
    });
  });

  function reportMessages() {
    ws.on('message', (data, isBinary) => {
      // ws 8 hands text over as a Buffer too, with isBinary false.
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
      emit('received', { bytes: buf.length, text: isBinary ? '' : buf.toString('utf8').slice(0, 200) });
    });
  }

  function sendOnce(payload, fields = {}) {
    return new Promise((resolve) => {
      try {
        // The callback fires once the frame is written, or with an error if the connection is
        // CLOSING or CLOSED (ws does not throw then; it throws only while CONNECTING).
        ws.send(payload, (err) => {
          if (err) emit('error', { ...errorFields(err), call: 'send', ...fields });
          else emit('sent', { bytes: Buffer.byteLength(payload), ...fields });
          resolve(err);
        });
      } catch (err) {
        emit('error', { ...errorFields(err), call: 'send', ...fields });
        resolve(err);
      }
    });
  }

  function startHeartbeat() {
    const intervalMs = envMs('WSREPRO_PING_INTERVAL_MS', 1000);
    const timeoutMs = envMs('WSREPRO_PING_TIMEOUT_MS', 1000);
    let pongTimer;
    const pinger = setInterval(() => {
      ws.ping();
      if (pongTimer) return;  // the previous ping is still waiting for its pong
      pongTimer = setTimeout(() => {
        // terminate(), not close(): a peer that answers no ping will not answer a close frame
        // either (ws's README heartbeat); no close frame goes out, so no sent_code.
        emit('error', { type: 'keepalive_timeout', message: `no pong within ${timeoutMs} ms` });
        failed = true;
        sentCode = null;
        ws.terminate();
      }, timeoutMs);
    }, intervalMs);
    ws.on('pong', () => {
      clearTimeout(pongTimer);
      pongTimer = undefined;
    });
    // Timers would keep the process alive after the connection is gone.
    ws.on('close', () => {
      clearInterval(pinger);
      clearTimeout(pongTimer);
    });
    emit('keepalive', { ping_interval_ms: intervalMs, ping_timeout_ms: timeoutMs });
  }

  ws.on('open', async () => {
    opened = true;
    emit('connected');
    if (mode === 'send_after_close') return sendAfterClose();
    if (mode === 'keepalive') startHeartbeat();
    reportMessages();
    if (process.env.WSREPRO_CLOSE_AFTER_MS) {
      const closer = setTimeout(() => {
        if (ws.readyState !== WebSocket.OPEN) return;
        emit('closing', { code: 1000 });
        closeWithin(1000);
      }, envMs('WSREPRO_CLOSE_AFTER_MS', 0));
      ws.on('close', () => clearTimeout(closer));  // or it would keep the process alive
    }
    const payload = process.env.WSREPRO_SEND;
    if (payload) await sendOnce(payload);
  });

  // Seed bug 5: three send() calls in a row inside 'open', before the event loop runs again,
  // so a close frame that came with the 101 has not been parsed yet (Python's send() does not
  // yield either). Each outcome is reported when its callback fires.
  async function sendAfterClose() {
    // Like the Python driver's recv(): the first message or the close, whichever comes first.
    // Listen now: a message that came with the 101 is delivered while the sends are pending.
    const message = new Promise((resolve) => ws.once('message', resolve));
    // As send_after_close.py: the state once connected, then right after the three calls.
    emit('state', { state: STATES[ws.readyState] });
    const payload = process.env.WSREPRO_SEND || 'hello';
    const outcomes = [1, 2, 3].map((attempt) => sendOnce(payload, { attempt }));
    emit('state', { state: STATES[ws.readyState], when: 'after_send_calls' });
    await Promise.all(outcomes);
    emit('state', { state: STATES[ws.readyState], when: 'after_send_callbacks' });
    const first = await Promise.race([message.then((data) => ({ data })), closed]);
    if (first.data !== undefined) {
      emit('received', { bytes: first.data.length });
      closeWithin(1000);
    }
    emit('closed', await closed);
    emit('state', { state: STATES[ws.readyState] });
    process.exitCode = 0;
  }

  closed.then((fields) => {
    if (mode === 'send_after_close' && opened) return;  // reported by sendAfterClose()
    emit('closed', fields);
    const normal = [1000, 1001, 1005].includes(fields.code);
    process.exitCode = opened && normal && !failed ? 0 : 1;
  });
  // No process.exit(): the process ends when ws leaves nothing pending, so a handle it forgets
  // to release shows up as a hang.
}

main();
