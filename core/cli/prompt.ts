import { Secret } from '../secret.js';

/**
 * Asks for a secret once, on the terminal, without echo. When stdin is not a
 * terminal it reads one line from it (for scripts: `printf pw | runner …`).
 */
export async function promptSecret(
  question: string,
  stdin = process.stdin,
  stderr = process.stderr,
): Promise<Secret> {
  stderr.write(question);
  const isTTY = (stdin as NodeJS.ReadStream).isTTY === true;
  if (isTTY) (stdin as NodeJS.ReadStream).setRawMode(true);
  stdin.resume();
  try {
    const value = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\u0003') {
            reject(new Error('cancelled'));
            return;
          }
          if (char === '\r' || char === '\n' || char === '\u0004') {
            stdin.off('data', onData);
            resolve(buffer);
            return;
          }
          if (char === '\u007f' || char === '\b') buffer = buffer.slice(0, -1);
          else buffer += char;
        }
      };
      stdin.on('data', onData);
      stdin.once('end', () => resolve(buffer));
    });
    return new Secret(value);
  } finally {
    if (isTTY) (stdin as NodeJS.ReadStream).setRawMode(false);
    stdin.pause();
    stderr.write('\n');
  }
}
