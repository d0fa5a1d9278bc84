import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Environment, type TemplateSource } from './environment.js';
import { TemplateSyntaxError, UndefinedError } from './errors.js';
import { PyFunction, SaltProxy } from './runtime.js';

async function render(source: string, vars: Record<string, unknown> = {}, opts: ConstructorParameters<typeof Environment>[0] = {}): Promise<string> {
  const env = new Environment(opts);
  return env.render(env.compile(source), vars);
}

function loaderOf(files: Record<string, string>) {
  return async (_env: Environment, name: string): Promise<TemplateSource | null> =>
    name in files ? { source: files[name]!, filename: `/cache/${name}` } : null;
}

describe('jinja syntax', () => {
  test('drops one trailing newline of the source', async () => {
    assert.equal(await render('a\n'), 'a');
    assert.equal(await render('a\n\n'), 'a\n');
  });

  test('whitespace control with - strips around tags', async () => {
    assert.equal(await render('a  {%- if true -%}  b  {%- endif -%}  c'), 'abc');
    assert.equal(await render('[ {{- 1 -}} ]'), '[1]');
  });

  test('trim_blocks and lstrip_blocks remove block lines', async () => {
    const src = 'x\n  {% if true %}\n  y\n  {% endif %}\nz';
    assert.equal(await render(src), 'x\n  \n  y\n  \nz');
    assert.equal(await render(src, {}, { trimBlocks: true, lstripBlocks: true }), 'x\n  y\nz');
  });

  test('raw blocks are not rendered', async () => {
    assert.equal(await render('{% raw %}{{ x }}{% endraw %}'), '{{ x }}');
  });

  test('comments produce nothing', async () => {
    assert.equal(await render('a{# c #}b'), 'ab');
  });

  test('operator precedence and Python arithmetic', async () => {
    assert.equal(await render('{{ 1 + 2 * 3 }} {{ 2 ** 10 }} {{ 7 // 2 }} {{ 7 / 2 }} {{ -7 % 3 }} {{ 4 / 2 }}'), '7 1024 3 3.5 2 2.0');
    assert.equal(await render("{{ 'a' ~ 1 ~ True ~ None }}"), 'a1TrueNone');
    assert.equal(await render('{{ -3 | abs }}'), '3');
  });

  test('comparisons chain and membership works on str, list and dict', async () => {
    assert.equal(await render('{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }}'), 'True False');
    assert.equal(await render("{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 'z' not in 'abc' }}"), 'True True True True');
  });

  test('values print like Python str()', async () => {
    assert.equal(await render("{{ {'a': None, 'b': [1, 2.0, 'x']} }}"), "{'a': None, 'b': [1, 2.0, 'x']}");
    assert.equal(await render('{{ (1,) }} {{ (1, 2) }} {{ none }} {{ true }}'), '(1,) (1, 2) None True');
  });

  test('conditional expression without else prints nothing even with StrictUndefined', async () => {
    assert.equal(await render("[{{ 'x' if false }}]"), '[]');
  });

  test('slicing strings and lists', async () => {
    assert.equal(await render("{{ 'abcdef'[1:4] }} {{ 'abcdef'[-2:] }} {{ [1, 2, 3][::-1] }}"), 'bcd ef [3, 2, 1]');
  });
});

describe('jinja statements', () => {
  test('for loop variables, else branch, filter and loop controls', async () => {
    assert.equal(await render('{% for x in [1, 2, 3] %}{{ loop.index }}{{ loop.first }}{{ loop.cycle("a", "b") }};{% endfor %}'), '1Truea;2Falseb;3Falsea;');
    assert.equal(await render('{% for x in [] %}x{% else %}empty{% endfor %}'), 'empty');
    assert.equal(await render('{% for x in range(5) if x is odd %}{{ x }}{% endfor %}'), '13');
    assert.equal(await render('{% for x in range(9) %}{% if x == 1 %}{% continue %}{% endif %}{% if x > 3 %}{% break %}{% endif %}{{ x }}{% endfor %}'), '023');
  });

  test('for unpacks pairs from dict items', async () => {
    assert.equal(await render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", { d: { a: 1, b: 2 } }), 'a=1;b=2;');
  });

  test('set inside a loop does not leak; namespace carries values out', async () => {
    assert.equal(await render('{% set x = 1 %}{% for i in [5] %}{% set x = i %}{% endfor %}{{ x }}'), '1');
    assert.equal(await render('{% set ns = namespace(n=0) %}{% for i in [1, 2] %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}'), '3');
  });

  test('set block captures output and applies a filter', async () => {
    assert.equal(await render('{% set b | upper %}hi{% endset %}{{ b }}'), 'HI');
  });

  test('with opens a scope', async () => {
    assert.equal(await render("{% set x = 'o' %}{% with x = 'i' %}{{ x }}{% endwith %}{{ x }}"), 'io');
  });

  test('do runs an expression for its effect', async () => {
    assert.equal(await render("{% set d = {} %}{% do d.update({'a': 1}) %}{% set l = [] %}{% do l.append(2) %}{{ d }} {{ l }}"), "{'a': 1} [2]");
  });

  test('macros take defaults, keywords, varargs and a caller', async () => {
    assert.equal(await render("{% macro m(a, b=2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }} {{ m(1, b=3) }}"), '1-2 1-3');
    assert.equal(await render('{% macro m() %}{{ varargs }}{% endmacro %}{{ m(1, 2) }}'), '(1, 2)');
    assert.equal(await render('{% macro w() %}<{{ caller() }}>{% endmacro %}{% call w() %}in{% endcall %}'), '<in>');
  });

  test('macro argument errors name the macro', async () => {
    await assert.rejects(render('{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}'), /macro 'm' takes not more than 1 argument/);
    await assert.rejects(render('{% macro m(a) %}{% endmacro %}{{ m(z=1) }}'), /macro 'm' takes no keyword argument 'z'/);
  });

  test('filter blocks filter their body', async () => {
    assert.equal(await render('{% filter upper %}abc{% endfilter %}'), 'ABC');
  });

  test('import, from-import and include resolve through the loader', async () => {
    const loader = loaderOf({
      'lib.jinja': "{% set v = 'V' %}{% macro up(s) %}{{ s | upper }}{% endmacro %}",
      'inc.jinja': '[{{ who }}]',
    });
    assert.equal(await render("{% import 'lib.jinja' as lib %}{{ lib.v }}{{ lib.up('x') }}", {}, { loader }), 'VX');
    assert.equal(await render("{% from 'lib.jinja' import up as u %}{{ u('y') }}", {}, { loader }), 'Y');
    assert.equal(await render("{% set who = 'me' %}{% include 'inc.jinja' %}", {}, { loader }), '[me]');
    assert.equal(await render("{% include 'nope.jinja' ignore missing %}ok", {}, { loader }), 'ok');
  });

  test('Salt load and import tags parse data', async () => {
    const loader = loaderOf({ 'd.yaml': 'a: 0644\n', 'd.json': '{"b": [1]}' });
    assert.equal(await render("{% import_yaml 'd.yaml' as y %}{% import_json 'd.json' as j %}{{ y.a }} {{ j.b }}", {}, { loader }), '644 [1]');
    assert.equal(await render('{% load_yaml as x %}k: [1, 2]{% endload %}{{ x.k }}'), '[1, 2]');
    assert.equal(await render('{% load_text as t %}T{{ 1 }}{% endload %}{{ t }}'), 'T1');
  });
});

describe('jinja values and methods', () => {
  test('Python str methods', async () => {
    assert.equal(await render("{{ ' a.b '.strip().split('.') }} {{ 'a,b,c'.split(',', 1) }} {{ 'a.b.c'.rsplit('.', 1) }}"), "['a', 'b'] ['a', 'b,c'] ['a.b', 'c']");
    assert.equal(await render("{{ 'x'.upper() }} {{ '{}-{k}'.format(1, k=2) }} {{ '%s=%03d' % ('k', 5) }} {{ '7'.zfill(3) }}"), 'X 1-2 k=005 007');
    assert.equal(await render("{{ 'abc'.startswith(('x', 'a')) }} {{ 'abc'.find('c') }} {{ '-'.join(['a', 'b']) }}"), 'True 2 a-b');
  });

  test('Python list and dict methods', async () => {
    assert.equal(await render("{% set l = [3, 1] %}{% do l.extend([2]) %}{{ l.pop() }} {{ l.index(1) }} {{ l.count(3) }} {{ l + [9] }}"), '2 1 1 [3, 1, 9]');
    assert.equal(await render("{% set d = {'a': 1} %}{{ d.get('a') }} {{ d.get('z', 0) }} {{ d.keys() | list }} {{ d.setdefault('b', []) }} {{ d }}"), "1 0 ['a'] [] {'a': 1, 'b': []}");
  });

  test('attribute access falls back to items and item access to attributes', async () => {
    assert.equal(await render('{{ d.a }} {{ d["items"] is defined }}', { d: { a: 1 } }), '1 True');
  });

  test('StrictUndefined fails on use, default and defined still work', async () => {
    await assert.rejects(render('{{ nope }}'), (err: unknown) => err instanceof UndefinedError && err.message === "'nope' is undefined");
    await assert.rejects(render("{{ d['x'] }}", { d: {} }), /'dict object' has no attribute 'x'/);
    assert.equal(await render("{{ nope | default('d') }} {{ nope is defined }}"), 'd False');
    assert.equal(await render('[{{ nope }}]', {}, { strictUndefined: false }), '[]');
  });

  test('Python type errors keep Python wording', async () => {
    await assert.rejects(render("{{ 'a' + 1 }}"), /can only concatenate str \(not "int"\) to str/);
    await assert.rejects(render('{{ 1 < "a" }}'), /'<' not supported between instances of 'int' and 'str'/);
  });

  test('salt functions are called through salt[...] and salt.mod.fun', async () => {
    const calls: string[] = [];
    const salt = new SaltProxy(async (fun, args) => {
      calls.push(fun);
      return `${fun}:${args.join(',')}`;
    });
    assert.equal(await render("{{ salt['test.echo']('a') }} {{ salt.grains.get('b') }}", { salt }), 'test.echo:a grains.get:b');
    assert.deepEqual(calls, ['test.echo', 'grains.get']);
  });

  test('callables from the context can be called with keywords', async () => {
    const f = new PyFunction('f', (a, k) => `${a.length}:${Object.keys(k).join()}`);
    assert.equal(await render('{{ f(1, 2, x=3) }}', { f }), '2:x');
  });
});

describe('jinja filters', () => {
  test('string filters', async () => {
    assert.equal(await render("{{ 'hello world' | title }}|{{ 'ab' | center(6) }}|{{ 'the quick brown fox jumps' | truncate(12) }}|{{ 'a b c' | wordcount }}"), 'Hello World|  ab  |the...|3');
    assert.equal(await render("{{ 'a-b-c' | replace('-', '_', 1) }} {{ '%s-%03d' | format('x', 7) }} {{ 'x\ny' | indent(2) }}"), 'a_b-c x-007 x\n  y');
  });

  test('sequence filters', async () => {
    assert.equal(await render("{{ ['b', 'C', 'a'] | sort }} {{ [3, 1, 2] | sort(reverse=True) }} {{ {'b': 1, 'a': 2} | dictsort }}"), "['a', 'b', 'C'] [3, 2, 1] [('a', 2), ('b', 1)]");
    assert.equal(await render("{{ [1, 2, 3, 4, 5] | batch(2) | list }} {{ [{'n': 1}, {'n': 2}] | map(attribute='n') | list }} {{ range(7) | select('odd') | list }}"), '[[1, 2], [3, 4], [5]] [1, 2] [1, 3, 5]');
    assert.equal(await render("{{ ['x', 'y', 'x'] | unique }} {{ [1, 2, 3, 4] | avg }} {{ [3, 1] | min }} {{ [1, 2] | zip(['a', 'b']) | list }}"), "['x', 'y'] 2.5 1 [(1, 'a'), (2, 'b')]");
  });

  test('number filters', async () => {
    assert.equal(await render("{{ 'x' | int }} {{ '0x1A' | int(0, 16) }} {{ 2.567 | round(1) }} {{ 2.567 | round(1, 'floor') }} {{ '3.5' | float }}"), '0 26 2.6 2.5 3.5');
  });

  test('Salt serializer filters', async () => {
    assert.equal(await render("{{ {'b': 1, 'a': None} | json }}"), '{"a": null, "b": 1}');
    assert.equal(await render("{{ {'b': [1, 2]} | yaml }}"), '{b: [1, 2]}');
    assert.equal(await render("{{ 'say \"hi\"\n' | yaml_dquote }} {{ \"it's\" | yaml_squote }} {{ 'yes' | yaml_encode }} {{ None | yaml_encode }}"), '"say \\"hi\\"\\n" \'it\'\'s\' "yes" null');
    await assert.rejects(render("{{ '{bad' | load_json }}"), /Unable to load json from \{bad/);
  });

  test('Salt hash, encoding and network filters', async () => {
    assert.equal(await render("{{ 'salt' | md5 }} {{ 'hi' | base64_encode }} {{ 'aGk=' | base64_decode }}"), 'ceb20772e0c9d240c75eb26b0e37abee aGk= hi');
    assert.equal(await render("{{ \"it's\" | quote }} {{ '/etc' | path_join('salt', '/minion') }} {{ '::1' | is_ipv6 }} {{ ['1.2.3.4', 'x'] | ipaddr }}"), `'it'"'"'s' /etc/salt/minion True ['1.2.3.4']`);
    assert.equal(await render("{{ 'abc123' | regex_search('([a-z]+)(\\\\d+)') }} {{ 'a1b2' | regex_replace('\\\\d', '#') }} {{ 'abc' is match('a.c') }}"), "('abc', '123') a#b# True");
  });

  test('strftime formats epoch timestamps in local time and needs timelib for date strings', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'UTC';
    try {
      assert.equal(await render("{{ 1040814000 | strftime('%Y/%m/%d %H:%M') }} {{ 1040814000 | strftime }}"), '2002/12/25 11:00 2002-12-25');
      await assert.rejects(render("{{ '2002-12-25' | strftime }}"), /Unable to parse 2002-12-25\. Consider installing timelib/);
    } finally {
      process.env.TZ = saved;
    }
  });

  test('raise aborts rendering with salt.exceptions.TemplateError', async () => {
    await assert.rejects(render("{{ raise('no') }}"), (err: Error & { pyType?: string }) => err.message === 'no' && err.pyType === 'TemplateError');
  });
});

describe('jinja errors', () => {
  test('syntax errors carry Jinja wording and the line', async () => {
    assert.throws(
      () => new Environment().compile('{% if x %}\nbody'),
      (err: unknown) =>
        err instanceof TemplateSyntaxError &&
        err.lineno === 1 &&
        err.message === "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.",
    );
    assert.throws(() => new Environment().compile('\n{{ x | nosuch }}'), /No filter named 'nosuch'\./);
    assert.throws(() => new Environment().compile('{% nosuch %}'), /Encountered unknown tag 'nosuch'\./);
  });

  test('runtime errors record the template frames (file and line)', async () => {
    const env = new Environment({ loader: loaderOf({ 'm.jinja': '{% macro bad() %}\n{{ nope }}{% endmacro %}' }) });
    const err = await env.render(env.compile("{% import 'm.jinja' as m %}\n{{ m.bad() }}"), {}).catch((e: unknown) => e);
    assert.ok(err instanceof UndefinedError);
    assert.deepEqual(err.frames, [
      { filename: '<template>', lineno: 2 },
      { filename: '/cache/m.jinja', lineno: 2 },
    ]);
  });
});
