import { describe, expect, it } from 'vitest';
import { isRunnerError } from '../../../core/errors.js';
import { conditionHolds, evaluate, render, renderDeep } from '../../../core/play/template.js';

const vars = {
  name: 'web01',
  ports: [80, 443],
  count: '3',
  nested: '{{ name }}-x',
  deeper: '{{ nested }}-y',
  flag: 'yes',
  config: { region: 'eu-west-1' },
};

describe('templating like Ansible', () => {
  it('renders text and keeps the native value of a single expression', () => {
    expect(render('host {{ name }} has {{ ports | length }} ports', vars)).toBe('host web01 has 2 ports');
    expect(render('{{ ports }}', vars)).toEqual([80, 443]);
    expect(render('{{ count | int + 1 }}', vars)).toBe(4);
    expect(render('{{ config.region }}', vars)).toBe('eu-west-1');
    expect(render('no template', vars)).toBe('no template');
  });

  it('sees vars on the right of a comparison and inside an inline if', () => {
    expect(conditionHolds('count | int == other', { ...vars, other: 3 })).toBe(true);
    expect(conditionHolds('name == other', { ...vars, other: 'web02' })).toBe(false);
    expect(evaluate("3 >= (9 if name == 'web01' else 3)", vars)).toBe(false);
    expect(render('{{ renderMe }} and {{ 1 if flag else 0 }}', { ...vars, renderMe: '{{ name }}' })).toBe(
      'web01 and 1',
    );
  });

  it("has Ansible's result tests and common filters", () => {
    const v = { r: { failed: true, changed: false }, list: [{ a: 1 }, { a: 2 }], d: { x: 1 }, s: 'abc' };
    expect(conditionHolds(['r is failed', 'r is not succeeded', 'r is not changed'], v)).toBe(true);
    expect(conditionHolds(["s is match('ab')", "s is search('bc')", "s is not match('bc')"], v)).toBe(true);
    expect(render("{{ list | map(attribute='a') | list }}", v)).toEqual([1, 2]);
    expect(render("{{ d | combine({'y': 2}) }}", v)).toEqual({ x: 1, y: 2 });
    expect(render("{{ '/a/b/c' | dirname }}", v)).toBe('/a/b');
    expect(render('{{ d | dict2items }}', v)).toEqual([{ key: 'x', value: 1 }]);
  });

  it('prints values inside text as Jinja does (Python repr)', () => {
    const v = { t: true, n: null, l: ['a', 1, false], d: { k: 'v' } };
    expect(render('{{ t }} {{ n }} {{ l }} {{ d }}', v)).toBe("True None ['a', 1, False] {'k': 'v'}");
    expect(render('{{ t }}', v)).toBe(true);
  });

  it('resolves vars that are themselves templates, through several levels', () => {
    expect(render('{{ deeper }}', vars)).toBe('web01-x-y');
  });

  it('refuses an undefined var, naming it', () => {
    try {
      render('{{ missing }}', vars);
      expect.unreachable();
    } catch (error) {
      expect(isRunnerError(error) && error.code).toBe('TEMPLATE_ERROR');
      expect((error as Error).message).toBe(`template error in "{{ missing }}": 'missing' is undefined`);
    }
    expect(render('{{ missing | default("d") }}', vars)).toBe('d');
  });

  it('detects a loop between vars instead of recursing forever', () => {
    expect(() => render('{{ a }}', { a: '{{ b }}', b: '{{ a }}' })).toThrow(/recursive loop/);
  });

  it('has the filters playbooks use', () => {
    expect(render('{{ flag | bool }}', vars)).toBe(true);
    expect(render('{{ name | upper }}', vars)).toBe('WEB01');
    expect(render('{{ ports | join(",") }}', vars)).toBe('80,443');
    expect(render('{{ name | regex_replace("[0-9]+$", "") }}', vars)).toBe('web');
    expect(render('{{ config | to_json }}', vars)).toBe('{"region":"eu-west-1"}');
    expect(render('{{ \'{"a": 1}\' | from_json }}', vars)).toEqual({ a: 1 });
    expect(render('{{ "  x " | trim }}', vars)).toBe('x');
    expect(render("{{ name | replace('web', 'db') }}", vars)).toBe('db01');
  });

  it('evaluates conditions with tests and `in`', () => {
    expect(conditionHolds('name is defined', vars)).toBe(true);
    expect(conditionHolds('missing is defined', vars)).toBe(false);
    expect(conditionHolds(['443 in ports', 'ports | length == 2'], vars)).toBe(true);
    expect(conditionHolds('443 in ports and name == "db"', vars)).toBe(false);
    expect(evaluate(true, vars)).toBe(true);
  });

  it('supports for and if blocks with trim_blocks', () => {
    const text = '{% for p in ports %}\nport {{ p }}\n{% endfor %}\n{% if flag | bool %}\non\n{% endif %}\n';
    expect(render(text, vars)).toBe('port 80\nport 443\non\n');
  });

  it('renders every string inside nested data', () => {
    expect(renderDeep({ a: ['{{ name }}', 1], b: { c: '{{ ports }}' } }, vars)).toEqual({
      a: ['web01', 1],
      b: { c: [80, 443] },
    });
  });
});
