'use strict';
// wsrepro's mock servers for Node test suites: startMock() runs `wsrepro serve BEHAVIOUR --json
// --stop-with-parent`, reads its first line (url, port, pid, ca_file) and then its events as
// they happen. The server cannot outlive this process, even one killed with SIGKILL, and a
// forgotten close() does not keep Node's event loop alive.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

class WsreproNotFound extends Error {}
class MockServerError extends Error {}

function findWsrepro(explicit) {
  const candidate = explicit || process.env.WSREPRO_BIN;
  const executable = (file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (candidate) {
    if (executable(candidate)) return path.resolve(candidate);
    const source = explicit ? 'the wsrepro option' : '$WSREPRO_BIN';
    throw new WsreproNotFound(`${source} names ${JSON.stringify(candidate)}, which is not an executable file`);
  }
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, 'wsrepro'))) return path.join(dir, 'wsrepro');
  }
  throw new WsreproNotFound(
    'wsrepro executable not found: put it on PATH or set WSREPRO_BIN=/path/to/wsrepro ' +
      '(build it with `cmake --preset release && cmake --build build/release --target wsrepro`)');
}

function setting(value) {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

const eventName = (kind) => (kind.includes('.') ? kind : `server.${kind}`);

class MockServer {
  constructor(behaviour, child, first) {
    this.behaviour = behaviour;
    this.url = first.url;
    this.port = first.port;
    this.pid = first.pid;
    this.caFile = first.ca_file ?? null;
    /** Every event so far, in order, as the server logged it (appended live). */
    this.events = [];
    this.stderr = '';
    this.ended = false;
    this.child_ = child;
    this.waiters_ = new Set();
    this.exited_ = new Promise((resolve) => child.once('exit', resolve));
  }

  accept_(event) {
    this.events.push(event);
    for (const waiter of this.waiters_) waiter();
  }

  end_() {
    this.ended = true;
    for (const waiter of this.waiters_) waiter();
  }

  /** The events of one kind ("server.accept" or "accept"). */
  eventsOf(kind) {
    const name = eventName(kind);
    return this.events.filter((e) => e.event === name);
  }

  /**
   * The `count`-th event of this kind that satisfies `where`, waiting up to `timeoutMs`;
   * rejects naming what the server did log.
   */
  waitFor(kind, timeoutMs = 5000, { count = 1, where = null } = {}) {
    const name = eventName(kind);
    const matching = () => this.events.filter((e) => e.event === name && (!where || where(e)));
    return new Promise((resolve, reject) => {
      let timer = null;
      const check = (timedOut = false) => {
        const found = matching();
        if (found.length >= count) {
          finish();
          resolve(found[count - 1]);
        } else if (timedOut || this.ended) {
          finish();
          const seen = [...new Set(this.events.map((e) => e.event))].sort().join(', ');
          const why = this.ended ? 'the server ended' : `not within ${timeoutMs} ms`;
          reject(new Error(`${name} x${count} from ${this.behaviour}: ${why}; saw ${found.length} ` +
                           `of them among ${this.events.length} events (${seen})`));
        }
      };
      const waiter = () => check(false);
      const finish = () => {
        clearTimeout(timer);
        this.waiters_.delete(waiter);
      };
      this.waiters_.add(waiter);
      timer = setTimeout(() => check(true), timeoutMs);
      check(false);
    });
  }

  /** Stops the server (SIGTERM; SIGKILL to its group past timeoutMs); its exit code. */
  async close(timeoutMs = 5000) {
    this.child_.ref();  // until it has exited: the loop must stay up to see it
    if (this.child_.exitCode === null && this.child_.signalCode === null) {
      this.child_.kill('SIGTERM');
      let timer;
      const late = new Promise((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      if ((await Promise.race([this.exited_, late])) === 'late') {
        try {
          process.kill(-this.child_.pid, 'SIGKILL');
        } catch {}
      }
      clearTimeout(timer);
    }
    await this.exited_;
    this.child_.stdin.destroy();
    return this.child_.exitCode;
  }

  async [Symbol.asyncDispose]() {
    await this.close();
  }
}

/**
 * Starts `wsrepro serve BEHAVIOUR` with `params` as its --set KEY=VALUE settings.
 * options: { tls, wsrepro (the executable), startupTimeoutMs, requestTimeoutMs }.
 */
function startMock(behaviour, params = {}, options = {}) {
  let executable;
  try {
    executable = findWsrepro(options.wsrepro);
  } catch (error) {
    return Promise.reject(error);
  }
  const argv = ['serve', behaviour, '--json', '--stop-with-parent'];
  if (options.tls) argv.push('--tls');
  if (options.requestTimeoutMs !== undefined) {
    argv.push('--request-timeout-ms', String(options.requestTimeoutMs));
  }
  for (const [key, value] of Object.entries(params)) argv.push('--set', `${key}=${setting(value)}`);
  // Its own process group (a kill reaches the whole server); stdin is a pipe this process holds,
  // so the server sees end of file when this process goes, however it goes.
  const child = spawn(executable, argv, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream.unref?.();
  child.stdin.on('error', () => {});

  return new Promise((resolve, reject) => {
    let server = null;
    let stderr = '';
    const startupTimeoutMs = options.startupTimeoutMs ?? 10000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new MockServerError(`wsrepro serve ${behaviour} printed no URL within ${startupTimeoutMs} ms`));
    }, startupTimeoutMs);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (server) server.stderr = stderr;
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new MockServerError(`cannot start ${executable}: ${error.message}`));
    });
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let parsed;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      if (server) {
        server.accept_(parsed);
      } else {
        clearTimeout(timer);
        server = new MockServer(behaviour, child, parsed);
        resolve(server);
      }
    });
    lines.on('close', () => {
      if (server) server.end_();
    });
    // 'close' comes after the exit and after stderr is read to its end: the whole message.
    child.once('close', (code) => {
      if (server) return;
      clearTimeout(timer);
      reject(new MockServerError(`wsrepro serve ${behaviour} exited with ${code}: ${stderr.trim() || '(no message)'}`));
    });
  });
}

/** Milliseconds from a server event (its t_ns, CLOCK_MONOTONIC) to now, on the same clock. */
function msSince(event) {
  return Number(process.hrtime.bigint() - BigInt(event.t_ns)) / 1e6;
}

module.exports = { startMock, msSince, findWsrepro, MockServer, MockServerError, WsreproNotFound };
