// dynalite ships no types; this is the part of its API the local stack and the tests use (see its index.js).
declare module 'dynalite' {
  import type { Server } from 'node:http';

  type DynaliteOptions = {
    /** How long a new table stays CREATING (default 500 ms). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    /** A LevelDB folder; in memory when absent. */
    path?: string;
  };

  export default function dynalite(options?: DynaliteOptions): Server;
}
