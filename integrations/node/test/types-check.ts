// Compiled with `tsc --noEmit --strict` in CI: the declared API as a TypeScript user writes it.
import { startMock, msSince, MockServer, MockEvent, MockServerError } from 'wsrepro';

async function example(): Promise<number> {
  const server: MockServer = await startMock('stall', { mode: 'discard', after_messages: 1 }, { tls: true });
  const ca: string | null = server.caFile;
  const accepted: MockEvent = await server.waitFor('server.accept', 2000, {
    count: 1,
    where: (e) => e.conn === 1,
  });
  const since: number = msSince(accepted);
  const code = await server.close();
  if (!(new MockServerError('x') instanceof Error)) throw new Error('unreachable');
  return since + (code ?? 0) + (ca ? ca.length : 0) + server.events.length + server.port;
}

void example;
