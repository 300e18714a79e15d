import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EventHub } from '../../../core/output/emitter.js';
import type { RunEvent } from '../../../core/output/events.js';
import { ndjsonReporter } from '../../../core/output/reporters/ndjson.js';
import { plainReporter } from '../../../core/output/reporters/plain.js';
import { MASK, Secret } from '../../../core/secret.js';

function sink() {
  let text = '';
  return {
    stream: {
      write: (chunk: string) => {
        text += chunk;
        return true;
      },
    } as unknown as NodeJS.WritableStream,
    text: () => text,
  };
}

describe('secrets in output', () => {
  const value = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  it('never prints a Secret through String, JSON or inspect', () => {
    const s = new Secret(value);
    expect(`${s}`).toBe(MASK);
    expect(JSON.stringify({ s })).toBe(`{"s":"${MASK}"}`);
    expect(inspect({ s })).not.toContain(value);
    expect(s.reveal()).toBe(value);
  });

  it('scrubs a known secret that a command echoed, from every reporter', () => {
    new Secret(value);
    const json = sink();
    const plain = sink();
    const hub = new EventHub([
      ndjsonReporter({ stdout: json.stream, stderr: json.stream, verbosity: 2, isTTY: false }),
      plainReporter({ stdout: plain.stream, stderr: plain.stream, verbosity: 2, isTTY: false }),
    ]);
    const event: RunEvent = {
      type: 'host.task.result',
      result: {
        host: 'h',
        task: 't',
        module: 'shell',
        status: 'failed',
        msg: `bad key ${value}`,
        stdout: `aws_secret_access_key=${value}`,
        durationMs: 1,
      },
    };
    hub.emit(event);
    expect(json.text()).not.toContain(value);
    expect(plain.text()).not.toContain(value);
    expect(json.text()).toContain(MASK);
    expect(plain.text()).toContain(`aws_secret_access_key=${MASK}`);
  });
});
