// What a subsystem (blocking, pub/sub, transactions, persistence ...) plugs
// into the server with. Each one is an object owned by one Server (several
// embedded servers never share state), keeps its per-client state itself, and
// answers for it here: what RESET and a disconnect drop, which CLIENT LIST
// flags and counts it contributes, which INFO fields it reports.

import type { Client } from '../client.js';

/** What CLIENT LIST / CLIENT INFO show of state that subsystems own. */
export interface ClientInfoFields {
  /** Flag letters besides N (P pubsub, x multi, b blocked, S replica ...). */
  flags: string;
  sub: number;
  psub: number;
  ssub: number;
  /** Commands queued in MULTI, -1 outside a transaction. */
  multi: number;
}

export type InfoFields = [string, string | number][];

export interface Subsystem {
  readonly name: string;
  /** RESET: back to a fresh connection's state (also called before a disconnect is cleaned up). */
  resetClient?(c: Client): void;
  /** The client is gone: drop everything held for it. */
  clientClosed?(c: Client): void;
  /** CLIENT LIST / INFO fields for this client. */
  clientInfo?(c: Client, f: ClientInfoFields): void;
  /**
   * Fields of an INFO section (lower-case name): a field already present
   * takes this value, a new one is appended.
   */
  infoFields?(section: string): InfoFields | undefined;
  /** CONFIG RESETSTAT. */
  resetStats?(): void;
  /** The server's hz timer. */
  cron?(now: number): void;
}

export function emptyInfoFields(): ClientInfoFields {
  return { flags: '', sub: 0, psub: 0, ssub: 0, multi: -1 };
}
