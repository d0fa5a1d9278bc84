/**
 * Replays output conformance cases as node:test tests, one test per case.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadOutputCases, type OutputCase } from './_corpus.js';
import { displayOutput, formatOutput, stringFormat } from './index.js';

/** Says why a case is not an outputter call to replay here (undefined: replay it). */
export type SkipRule = (c: OutputCase) => string | undefined;

function checkCase(c: OutputCase): void {
  const { data, out = 'nested', opts = {}, kwargs = {} } = c.input;
  assert.equal(formatOutput(data, out, opts, kwargs), c.expected.text, 'out_format text');
  let printed = '';
  displayOutput(data, out, opts, kwargs, (s) => {
    printed += s;
  });
  assert.equal(printed, c.expected.stdout, 'display_output stdout');
  if (c.expected.text_stripped !== undefined) {
    assert.equal(stringFormat(data, out, opts, kwargs), c.expected.text_stripped, 'string_format text');
  }
}

/** Registers one test per case of `output/<file>`; cases the skip rule names are reported as skipped. */
export function replayOutputCases(file: string, skip: SkipRule = () => undefined): void {
  const cases = loadOutputCases(file);
  test(`${file} holds cases`, () => {
    assert.ok(cases.length > 0);
  });
  for (const c of cases) {
    const reason = skip(c);
    if (reason) {
      test(`${file} ${c.id}: ${c.what ?? ''}`, { skip: reason }, () => {});
      continue;
    }
    test(`${file} ${c.id}: ${c.what ?? ''}`, () => checkCase(c));
  }
}
