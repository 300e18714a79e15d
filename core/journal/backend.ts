import type { Shard } from '../play/shard.js';
import { HostLocks } from './locks.js';
import { type HostLockSet, S3HostLocks } from './s3-locks.js';
import { journalS3Client, S3JournalStore } from './s3-store.js';
import { type JournalStore, LocalJournalStore } from './store.js';

/** Where a run's journal and host locks live: a directory (one machine) or S3 (shards on many). */
export interface JournalBackend {
  store: JournalStore;
  locks(stack: string, run: string): HostLockSet;
  /** Closes what the backend holds open (its S3 client's sockets). */
  close(): void;
}

export interface BackendScope {
  /** The run ID every shard shares. */
  group?: string;
  shard?: Shard;
}

/** `s3://bucket/prefix/` -> S3 (conditional writes for locks), anything else -> a local directory. */
export function journalBackend(location: string, scope: BackendScope = {}): JournalBackend {
  if (/^s3:\/\//i.test(location)) {
    const s3 = journalS3Client();
    return {
      store: new S3JournalStore(location, s3, scope),
      locks: (stack, run) => new S3HostLocks(location, s3, stack, run, scope),
      close: () => s3.destroy(),
    };
  }
  return {
    store: new LocalJournalStore(location),
    locks: (stack, run) => new HostLocks(location, stack, run),
    close: () => {},
  };
}
