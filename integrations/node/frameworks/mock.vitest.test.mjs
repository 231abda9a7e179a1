// Vitest (ESM): the helper in beforeEach/afterEach, as the README says. Run by
// ci/integrations.sh (copied into a project with vitest and ws), not by node --test.
import { afterEach, beforeEach, expect, test } from 'vitest';
import WebSocket from 'ws';
import { startMock, msSince } from 'wsrepro';

let server;
beforeEach(async () => {
  server = await startMock('stall', { mode: 'discard' });
});
afterEach(async () => {
  await server.close();
});

test('vitest: the server logs the stall as it happens', async () => {
  const ws = new WebSocket(server.url);
  await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
  const stalled = await server.waitFor('server.fault', 5000);
  expect(msSince(stalled)).toBeGreaterThanOrEqual(0);
  ws.terminate();
});
