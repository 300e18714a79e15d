import {
  chmodSync,
  closeSync,
  fchmodSync,
  fstatSync,
  ftruncateSync,
  futimesSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmdirSync,
  type Stats,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import ssh2, { type Attributes, type SFTPWrapper } from 'ssh2';

const { utils } = ssh2;

/**
 * The SFTP subsystem over the real filesystem, as the same user the host runs
 * commands as: absolute paths are real paths, relative ones start at HOME
 * (exactly what a command on the host would see).
 */
const { STATUS_CODE, flagsToString } = utils.sftp;

type Handle = { kind: 'file'; fd: number } | { kind: 'dir'; path: string; listed: boolean };

function toAttrs(s: Stats): Attributes {
  return {
    mode: s.mode,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    atime: Math.floor(s.atimeMs / 1000),
    mtime: Math.floor(s.mtimeMs / 1000),
  };
}

function longname(name: string, s: Stats): string {
  const type = s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx'
    .split('')
    .map((c, i) => (s.mode & (1 << (8 - i)) ? c : '-'))
    .join('');
  return `${type}${bits} 1 ${s.uid} ${s.gid} ${s.size} ${new Date(s.mtimeMs).toISOString().slice(0, 10)} ${name}`;
}

function statusOf(error: unknown): number {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return STATUS_CODE.NO_SUCH_FILE;
  if (code === 'EACCES' || code === 'EPERM') return STATUS_CODE.PERMISSION_DENIED;
  return STATUS_CODE.FAILURE;
}

/**
 * `onWrite` is told the path of each file written to before the write happens; when it answers
 * true the request is dropped unanswered (the host vanished during the upload).
 */
export function serveSftp(sftp: SFTPWrapper, home: string, onWrite?: (path: string) => boolean): void {
  const handles = new Map<number, Handle>();
  const paths = new Map<number, string>();
  let nextHandle = 1;
  const at = (p: string) => (isAbsolute(p) ? p : resolve(home, p || '.'));
  const newHandle = (h: Handle): Buffer => {
    const id = nextHandle++;
    handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const getHandle = (buf: Buffer): [number, Handle | undefined] => {
    const id = buf.length === 4 ? buf.readUInt32BE(0) : -1;
    return [id, handles.get(id)];
  };
  const attempt = (reqid: number, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      sftp.status(reqid, statusOf(error), error instanceof Error ? error.message : String(error));
    }
  };
  const applyAttrs = (path: string | number, attrs: Attributes) => {
    const fd = typeof path === 'number';
    if (attrs.mode !== undefined)
      fd ? fchmodSync(path, attrs.mode & 0o7777) : chmodSync(path, attrs.mode & 0o7777);
    if (attrs.size !== undefined) fd ? ftruncateSync(path, attrs.size) : truncateSync(path, attrs.size);
    if (attrs.atime !== undefined && attrs.mtime !== undefined) {
      fd ? futimesSync(path, attrs.atime, attrs.mtime) : utimesSync(path, attrs.atime, attrs.mtime);
    }
  };

  sftp.on('OPEN', (reqid, filename, flags, attrs) =>
    attempt(reqid, () => {
      const mode = flagsToString(flags) ?? 'r';
      const fd = openSync(at(filename), mode, attrs?.mode !== undefined ? attrs.mode & 0o7777 : 0o644);
      const handle = newHandle({ kind: 'file', fd });
      paths.set(handle.readUInt32BE(0), at(filename));
      sftp.handle(reqid, handle);
    }),
  );
  sftp.on('READ', (reqid, handle, offset, length) =>
    attempt(reqid, () => {
      const [, h] = getHandle(handle);
      if (h?.kind !== 'file') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      const buf = Buffer.alloc(length);
      const n = readSync(h.fd, buf, 0, length, offset);
      if (n === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.data(reqid, buf.subarray(0, n));
    }),
  );
  sftp.on('WRITE', (reqid, handle, offset, data) =>
    attempt(reqid, () => {
      const [id, h] = getHandle(handle);
      if (h?.kind !== 'file') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      if (onWrite?.(paths.get(id) ?? '')) return;
      writeSync(h.fd, data, 0, data.length, offset);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('FSTAT', (reqid, handle) =>
    attempt(reqid, () => {
      const [, h] = getHandle(handle);
      if (!h) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      sftp.attrs(reqid, toAttrs(h.kind === 'file' ? fstatSync(h.fd) : statSync(h.path)));
    }),
  );
  sftp.on('FSETSTAT', (reqid, handle, attrs) =>
    attempt(reqid, () => {
      const [, h] = getHandle(handle);
      if (!h) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      applyAttrs(h.kind === 'file' ? h.fd : h.path, attrs);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('CLOSE', (reqid, handle) =>
    attempt(reqid, () => {
      const [id, h] = getHandle(handle);
      if (!h) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      handles.delete(id);
      if (h.kind === 'file') closeSync(h.fd);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('OPENDIR', (reqid, path) =>
    attempt(reqid, () => {
      const p = at(path);
      if (!statSync(p).isDirectory()) return void sftp.status(reqid, STATUS_CODE.FAILURE, 'not a directory');
      sftp.handle(reqid, newHandle({ kind: 'dir', path: p, listed: false }));
    }),
  );
  sftp.on('READDIR', (reqid, handle) =>
    attempt(reqid, () => {
      const [, h] = getHandle(handle);
      if (h?.kind !== 'dir') return void sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle');
      if (h.listed) return void sftp.status(reqid, STATUS_CODE.EOF);
      h.listed = true;
      const names = readdirSync(h.path).map((name) => {
        const s = lstatSync(resolve(h.path, name));
        return { filename: name, longname: longname(name, s), attrs: toAttrs(s) };
      });
      sftp.name(reqid, names);
    }),
  );
  sftp.on('STAT', (reqid, path) => attempt(reqid, () => sftp.attrs(reqid, toAttrs(statSync(at(path))))));
  sftp.on('LSTAT', (reqid, path) => attempt(reqid, () => sftp.attrs(reqid, toAttrs(lstatSync(at(path))))));
  sftp.on('SETSTAT', (reqid, path, attrs) =>
    attempt(reqid, () => {
      applyAttrs(at(path), attrs);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('REMOVE', (reqid, path) =>
    attempt(reqid, () => {
      unlinkSync(at(path));
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('RMDIR', (reqid, path) =>
    attempt(reqid, () => {
      rmdirSync(at(path));
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('MKDIR', (reqid, path, attrs) =>
    attempt(reqid, () => {
      mkdirSync(at(path), { mode: attrs?.mode !== undefined ? attrs.mode & 0o7777 : 0o755 });
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('RENAME', (reqid, from, to) =>
    attempt(reqid, () => {
      renameSync(at(from), at(to));
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('REALPATH', (reqid, path) =>
    attempt(reqid, () => {
      const p = at(path);
      let real: string;
      try {
        real = realpathSync(p);
      } catch {
        real = p;
      }
      sftp.name(reqid, [{ filename: real, longname: real, attrs: {} as Attributes }]);
    }),
  );
  sftp.on('READLINK', (reqid, path) =>
    attempt(reqid, () => {
      const target = readlinkSync(at(path));
      sftp.name(reqid, [{ filename: target, longname: target, attrs: {} as Attributes }]);
    }),
  );
  sftp.on('SYMLINK', (reqid, linkPath, targetPath) =>
    attempt(reqid, () => {
      symlinkSync(targetPath, at(linkPath));
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('close', () => {
    for (const h of handles.values()) if (h.kind === 'file') closeSync(h.fd);
    handles.clear();
  });
}
