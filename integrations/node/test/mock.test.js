'use strict';
// The helper against the real `wsrepro serve` and the ws library, with node:test.

const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const WebSocket = require('ws');
const { startMock, msSince, findWsrepro, MockServerError, WsreproNotFound } = require('wsrepro');

// Gone, or a zombie its new parent (init, after ours died) has not reaped yet: it has exited.
function exited(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] === 'Z';
  } catch {
    return true;
  }
}

const exitOf = (ws) => new Promise((resolve) => {
  ws.on('error', (error) => resolve({ error }));
  ws.on('close', (code) => resolve({ code }));
});

test('a refused upgrade kept open: ws gives up at once, timed from the server fault', async () => {
  const server = await startMock('redirect', { status: 302, then: 'keep_open' });
  try {
    const ended = await exitOf(new WebSocket(server.url));
    const fault = await server.waitFor('server.fault', 5000);
    assert.match(String(ended.error), /302/);
    assert.ok(msSince(fault) < 1000, `${msSince(fault)} ms since the 302`);
    assert.ok(server.eventsOf('accept').length === 1);
  } finally {
    await server.close();
  }
});

test('events arrive while the server runs; waitFor counts and filters', async () => {
  const server = await startMock('redirect', { then: 'close' });
  try {
    for (let i = 0; i < 3; i++) await exitOf(new WebSocket(server.url));
    const third = await server.waitFor('accept', 5000, { count: 3 });
    const first = await server.waitFor('accept', 5000, { where: (e) => e.conn === third.conn - 2 });
    assert.ok(first.t_ns < third.t_ns);
  } finally {
    await server.close();
  }
});

test('waitFor rejects naming what the server logged', async () => {
  const server = await startMock('stall');
  try {
    await assert.rejects(server.waitFor('server.fault', 200),
                         /server.fault x1 from stall: not within 200 ms.*server.listen/);
  } finally {
    await server.close();
  }
});

test('tls: the CA file to trust, and an echo over wss://', async () => {
  const server = await startMock('echo', {}, { tls: true });
  try {
    assert.ok(server.url.startsWith('wss://'));
    const ws = new WebSocket(server.url, { ca: fs.readFileSync(server.caFile) });
    const echoed = await new Promise((resolve, reject) => {
      ws.on('open', () => ws.send('hello'));
      ws.on('message', (data) => resolve(String(data)));
      ws.on('error', reject);
    });
    assert.strictEqual(echoed, 'hello');
    ws.close();
  } finally {
    await server.close();
  }
});

test('a misspelt behaviour or parameter is a clear error', async () => {
  await assert.rejects(startMock('redirekt'), (e) => e instanceof MockServerError && /redirect/.test(e.message));
  await assert.rejects(startMock('redirect', { stauts: 302 }), /status/);
});

test('a missing executable says where it looked', () => {
  assert.throws(() => findWsrepro('/no/such/wsrepro'), WsreproNotFound);
  const saved = { bin: process.env.WSREPRO_BIN, path: process.env.PATH };
  try {
    delete process.env.WSREPRO_BIN;
    process.env.PATH = '/nonexistent';
    assert.throws(() => findWsrepro(), /PATH/);
  } finally {
    process.env.WSREPRO_BIN = saved.bin;
    process.env.PATH = saved.path;
  }
});

test('Symbol.asyncDispose (await using) stops the server', async () => {
  const server = await startMock('stall');
  await server[Symbol.asyncDispose]();
  assert.ok(server.ended);
  assert.ok(exited(server.pid));
});

test('nothing outlives a test process killed outright', async () => {
  const script = `const { startMock } = require('wsrepro');
    startMock('stall').then((s) => { console.log(s.pid); process.kill(process.pid, 'SIGKILL'); });`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 });
  assert.strictEqual(child.signal, 'SIGKILL');
  const pid = Number(child.stdout.trim());
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (exited(pid)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  process.kill(pid, 'SIGKILL');
  assert.fail(`wsrepro serve ${pid} outlived the process that started it`);
});
