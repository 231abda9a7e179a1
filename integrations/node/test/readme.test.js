'use strict';
// The README's example is a test: extracted as written and run with node --test, here.

const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

test('the README example passes', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length > 0, 'the README has a js example');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsrepro-readme-'));
  try {
    const file = path.join(dir, 'example.test.js');
    fs.writeFileSync(file, blocks.join('\n'));
    // A runner of its own: without NODE_TEST_CONTEXT, which would make it report to ours.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const run = spawnSync(process.execPath, ['--test', file], { encoding: 'utf8', env, timeout: 60000 });
    assert.strictEqual(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /# pass 1/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
