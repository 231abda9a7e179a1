// Types for the wsrepro Node helper.

/** One event the server logged: `event` ("server.accept"), `t_ns` (CLOCK_MONOTONIC), `t_ms`
 *  (since the server started), `conn`, and the event's own attributes. */
export interface MockEvent {
  event: string;
  t_ns: number;
  t_ms: number;
  conn?: number;
  [attribute: string]: unknown;
}

export interface StartOptions {
  /** Serve wss:// with a throwaway CA (its file in `caFile`). */
  tls?: boolean;
  /** The wsrepro executable (default: $WSREPRO_BIN, then PATH). */
  wsrepro?: string;
  /** How long to wait for the server's first line (default 10000). */
  startupTimeoutMs?: number;
  /** `--request-timeout-ms` of `wsrepro serve`. */
  requestTimeoutMs?: number;
}

export interface WaitOptions {
  /** Wait for the count-th matching event (default 1). */
  count?: number;
  where?: (event: MockEvent) => boolean;
}

export declare class MockServer implements AsyncDisposable {
  readonly behaviour: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The CA file to trust with `tls: true`, else null. */
  readonly caFile: string | null;
  /** Every event so far, in order; appended as they happen. */
  readonly events: MockEvent[];
  readonly stderr: string;
  readonly ended: boolean;
  eventsOf(kind: string): MockEvent[];
  /** Resolves with the event ("server.accept" or "accept"); rejects naming what was seen. */
  waitFor(kind: string, timeoutMs?: number, options?: WaitOptions): Promise<MockEvent>;
  /** Stops the server; resolves with its exit code. */
  close(timeoutMs?: number): Promise<number | null>;
  [Symbol.asyncDispose](): Promise<void>;
}

export declare class MockServerError extends Error {}
export declare class WsreproNotFound extends Error {}

/** Starts `wsrepro serve BEHAVIOUR` with these parameters (`wsrepro list behaviours --verbose`). */
export declare function startMock(
  behaviour: string,
  params?: Record<string, string | number | boolean | Array<string | number>>,
  options?: StartOptions,
): Promise<MockServer>;

/** Milliseconds from a server event to now, on the events' clock. */
export declare function msSince(event: MockEvent): number;

export declare function findWsrepro(explicit?: string): string;
