import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PyFloat } from '../protocol/pytypes.js';
import { RawfileJsonReturner, rawfileJsonFilename } from './rawfile_json.js';
import { ReturnerStoreError } from './errors.js';

describe('rawfile_json returner', () => {
  let dir: string;
  let file: string;
  let r: RawfileJsonReturner;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rawfile-json-'));
    file = join(dir, 'events');
    r = new RawfileJsonReturner({ opts: { 'rawfile_json.filename': file } });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the file defaults to /var/log/salt/events', () => {
    assert.equal(rawfileJsonFilename({ opts: {} }), '/var/log/salt/events');
  });

  test('returner appends one line of Python-style JSON per return, non-ASCII kept', async () => {
    await r.returner({ success: true, return: { 'é': new PyFloat(1), list: [1, 2] }, retcode: 0, jid: '20250101120000000001', fun: 'test.echo', id: 'm1' });
    await r.returner({ return: true, jid: '20250101120000000002', id: 'm2' });
    assert.equal(
      readFileSync(file, 'utf8'),
      '{"success": true, "return": {"é": 1.0, "list": [1, 2]}, "retcode": 0, "jid": "20250101120000000001", "fun": "test.echo", "id": "m1"}\n' +
        '{"return": true, "jid": "20250101120000000002", "id": "m2"}\n',
    );
  });

  test('event_return writes each event as {"data": ..., "tag": ...} and nothing for an empty batch', async () => {
    const events = join(dir, 'ev');
    const er = new RawfileJsonReturner({ opts: { rawfile_json: { filename: events } } });
    await er.event_return([]);
    assert.throws(() => readFileSync(events));
    await er.event_return([
      { tag: 'salt/auth', data: { result: true, id: 'm1' } },
      { tag: 'x', data: {} },
    ]);
    assert.equal(readFileSync(events, 'utf8'), '{"data": {"result": true, "id": "m1"}, "tag": "salt/auth"}\n{"data": {}, "tag": "x"}\n');
  });

  test('a file that cannot be written is a ReturnerStoreError naming it', async () => {
    const bad = new RawfileJsonReturner({ opts: { 'rawfile_json.filename': join(dir, 'missing', 'f') } });
    await assert.rejects(bad.returner({ return: 1, jid: 'j', id: 'm' }), (e: Error) => e instanceof ReturnerStoreError && e.message.includes('Could not write to rawdata_json file'));
  });
});
