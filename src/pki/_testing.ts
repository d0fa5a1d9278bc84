/** Test fixtures of the key store: temp pki dirs and real keys taken from the conformance corpus. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadCases } from '../../test/support/conformance.js';

const pkiCase = loadCases<{ pki_files: Record<string, string> }>('wire', 'rsa.json').find((c) => c.id === 'salt-key-f-md5');
if (!pkiCase) throw new Error('wire/rsa.json: case salt-key-f-md5 is missing');
const files = pkiCase.input.pki_files;

/** Real PEM texts written by Salt 3006.10 (the minion key is stored without its final LF). */
export const KEYS = {
  masterPem: files['master.pem']!,
  masterPub: files['master.pub']!,
  /** 2048-bit minion key, no final newline (as a 3006.10 master stores `pub`). */
  minionA: files['minions/accepted-minion']!,
  /** 4096-bit minion key with final newline. */
  minionB: files['minions_pre/pending-minion']!,
};

/** A fresh temp directory holding `files` (paths relative to it); `cleanup()` removes it. */
export function tempTree(files: Record<string, string> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'salt-ts-pki-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
