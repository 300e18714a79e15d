import { describe, expect, it } from 'vitest';
import { frameCommand, frameToken } from '../../../core/connection/ssh/framing.js';
import { readsCommandsFromStdin, ShellInput } from '../../../sandbox/ssh/shell-input.js';

describe('ShellInput', () => {
  it('splits stdin into command lines across chunks', () => {
    const input = new ShellInput();
    expect(input.push('echo a\nmkt')).toEqual(['echo a']);
    expect(input.push('emp -d\n\n  \nuname -a')).toEqual(['mktemp -d']);
    expect(input.end()).toEqual(['uname -a']);
  });

  it('keeps here-document bodies out of the commands, in every quoting form', () => {
    const input = new ShellInput();
    const lines = input.push(
      [
        "cat > f <<'EOF'",
        'secret body',
        'EOF',
        'cat <<-"END" | sh',
        '\tsecret two',
        '\tEND',
        'cat <<WORD; cat << \\X',
        'one',
        'WORD',
        'two',
        'X',
        'echo after',
        '',
      ].join('\n'),
    );
    expect(lines).toEqual(["cat > f <<'EOF'", 'cat <<-"END" | sh', 'cat <<WORD; cat << \\X', 'echo after']);
  });

  it('records the runner persistent-shell frame as its command, not its base64 stdin', () => {
    const token = frameToken();
    const frame = frameCommand(
      { command: 'cat > /tmp/x', stdin: Buffer.from('the stdin secret'), env: { A: 'b' } },
      token,
    );
    const lines = new ShellInput().push(frame);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("eval 'cat > /tmp/x'");
    expect(lines.join('\n')).not.toContain(Buffer.from('the stdin secret').toString('base64'));
  });

  it('knows which exec commands read their commands from stdin', () => {
    for (const c of ['/bin/sh', 'sh', 'exec /bin/sh', '/bin/bash -s', 'bash -l'])
      expect(readsCommandsFromStdin(c), c).toBe(true);
    for (const c of ['sh -c "echo hi"', 'bash -lc true', 'echo sh', '/bin/sh script.sh', 'cat'])
      expect(readsCommandsFromStdin(c), c).toBe(false);
  });
});

describe('ShellInput and sudo -S', () => {
  it('leaves out the password line that a sudo -S started by the shell reads, and records what follows', () => {
    const input = new ShellInput();
    const lines = input.push(
      "exec sudo -H -S -p '[sudo via runner] ' -u root -- /bin/sh -c 'echo BECOME-SUCCESS-x; exec /bin/sh'\nhunter2\nid -u\n",
    );
    expect(lines).toEqual([
      "exec sudo -H -S -p '[sudo via runner] ' -u root -- /bin/sh -c 'echo BECOME-SUCCESS-x; exec /bin/sh'",
      'id -u',
    ]);
  });

  it('records the next line after sudo -n, which reads no password', () => {
    const lines = new ShellInput().push('sudo -H -S -n -u root -- id\nuname -a\n');
    expect(lines).toEqual(['sudo -H -S -n -u root -- id', 'uname -a']);
  });
});

describe('ShellInput and a framed sudo -S', () => {
  it('leaves out the password after a framed escalation, as runner sends it', () => {
    const token = frameToken();
    const frame = frameCommand(
      { command: "sudo -H -S -p '[sudo via runner] ' -u root -- exec /bin/sh", takeOver: true },
      token,
    );
    const lines = new ShellInput().push(`${frame}s3cret-pw\necho next\n`);
    expect(lines.join('\n')).not.toContain('s3cret-pw');
    expect(lines).toContain('echo next');
  });
});
