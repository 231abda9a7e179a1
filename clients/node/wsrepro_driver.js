// Shared by wsrepro's Node drivers: the driver protocol (clients/DRIVER-PROTOCOL.md), one JSON
// event per line on stdout stamped with CLOCK_MONOTONIC and written synchronously, and the
// WSREPRO_* settings.
'use strict';

const fs = require('fs');

// process.hrtime is libuv's uv_hrtime(): CLOCK_MONOTONIC on Linux, the harness's clock.
function now() {
  return Number(process.hrtime.bigint()) / 1e9;
}

// One event per line, written synchronously: stdout is a pipe, and an asynchronous write could
// still be queued when the process dies by a signal.
function emit(event, fields = {}) {
  fs.writeSync(1, JSON.stringify({ event, t: now(), ...fields }) + '\n');
}

function envMs(name, fallback) {
  const value = process.env[name];
  return value ? Number(value) : fallback;
}

// The scenario set a client setting the library has no option for: said, and the driver goes
// on with the library's default.
function unsupportedSetting(name, message) {
  if (process.env[name]) emit('unsupported_setting', { setting: name, message });
}

function errorFields(err) {
  // `type` is the class name like the Python drivers; Node and ws put the useful part in `code`
  // (ECONNREFUSED, WS_ERR_INVALID_CLOSE_CODE, ...), absent on ws's handshake errors.
  return { type: err.name, code: err.code ?? null, message: err.message };
}

function normalClose(code) {
  return code === 1000 || code === 1001 || code === 1005;
}

module.exports = { emit, envMs, errorFields, normalClose, now, unsupportedSetting };
