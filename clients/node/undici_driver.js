#!/usr/bin/env node
// wsrepro driver for the WHATWG WebSocket of npm `undici` (the implementation behind Node's
// global WebSocket), used as the WHATWG API is: new WebSocket(url), onopen / onmessage /
// onerror / onclose, send WSREPRO_SEND once open, wait for the close.
//
//   node undici_driver.js URL        (require('undici') is resolved through NODE_PATH)
//
// The WHATWG API has no handshake timeout, close timeout or keepalive: a scenario's
// open_timeout_ms, close_timeout_ms, ping_interval_ms and ping_timeout_ms are reported as
// unsupported_setting, and the library's defaults run. WSREPRO_CLOSE_AFTER_MS: ws.close(1000)
// that long after onopen.
// Exit: 0 after a normal close (1000, 1001, 1005, and wasClean), 1 otherwise. SIGINT is not
// caught: Node's default ends the process by the signal.
'use strict';

const { emit, envMs, errorFields, normalClose, unsupportedSetting } = require('./wsrepro_driver.js');

function main() {
  const url = process.argv[2];
  const undici = require('undici');
  const version = require('undici/package.json').version;
  emit('versions', { library: version, runtime: 'node', runtime_version: process.versions.node });
  if (!url) {
    emit('error', { type: 'usage', message: 'undici_driver.js URL' });
    process.exitCode = 2;
    return;
  }
  for (const name of ['OPEN_TIMEOUT_MS', 'CLOSE_TIMEOUT_MS', 'PING_INTERVAL_MS', 'PING_TIMEOUT_MS']) {
    unsupportedSetting(`WSREPRO_${name}`, 'the WHATWG WebSocket API has no such option');
  }
  emit('api', { api: 'new undici.WebSocket(url)' });
  emit('connecting', { url });
  const ws = new undici.WebSocket(url);
  let failed = false;
  let closer;
  ws.onopen = () => {
    emit('connected');
    if (process.env.WSREPRO_CLOSE_AFTER_MS) {
      closer = setTimeout(() => {
        if (ws.readyState !== ws.OPEN) return;
        emit('closing', { code: 1000 });
        ws.close(1000);
      }, envMs('WSREPRO_CLOSE_AFTER_MS', 0));
    }
    const payload = process.env.WSREPRO_SEND;
    if (payload) {
      ws.send(payload);
      emit('sent', { bytes: Buffer.byteLength(payload) });
    }
  };
  ws.onmessage = (event) => {
    const text = typeof event.data === 'string' ? event.data : '';
    const bytes = typeof event.data === 'string' ? Buffer.byteLength(text) : event.data.size ?? event.data.byteLength;
    emit('received', { bytes, text: text.slice(0, 200) });
  };
  ws.onerror = (event) => {
    failed = true;
    // Some releases report a failed handshake with an error and no close event.
    process.exitCode = 1;
    emit('error', event.error ? errorFields(event.error) : { type: 'error', message: String(event.message ?? '') });
  };
  ws.onclose = (event) => {
    clearTimeout(closer);  // or it would keep the process alive
    emit('closed', { code: event.code, reason: event.reason, clean: event.wasClean });
    process.exitCode = normalClose(event.code) && event.wasClean && !failed ? 0 : 1;
  };
}

main();
