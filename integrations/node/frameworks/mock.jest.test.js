// Jest: the helper in beforeEach/afterEach, as the README says. Run by ci/integrations.sh
// (copied into a project with jest and ws), not by node --test.
const WebSocket = require('ws');
const { startMock } = require('wsrepro');

let server;
beforeEach(async () => {
  server = await startMock('redirect', { status: 302, then: 'keep_open' });
});
afterEach(async () => {
  await server.close();
});

test('jest: ws gives up at once after a 302 kept open', async () => {
  const error = await new Promise((resolve) => new WebSocket(server.url).on('error', resolve));
  expect(error.message).toMatch(/302/);
  const fault = await server.waitFor('server.fault', 5000);
  expect(fault.what).toBe('redirect response written');
  expect(server.eventsOf('accept')).toHaveLength(1);
});
