/**
 * The `key` wheel module: the master's minion keys (`salt.wheel.key`), as salt-api and the
 * `manage.down removekeys=True` runner reach them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineMasterFunction } from '../runners/_define.js';
import type { MasterCallContext, MasterModule, Opts } from '../runners/types.js';
import { CommandExecutionError } from '../loader/errors.js';
import { KeyStore, type KeyListing } from '../pki/keystore.js';
import { genKeys } from '../pki/master_keys.js';
import { pemFingerOfFile } from '../protocol/finger.js';

/** The master's key store for a wheel call; key changes fire `salt/key` when the bus is there. */
function keyStore(ctx: MasterCallContext, fireEvents = true): KeyStore {
  const opts = ctx.opts;
  return new KeyStore({
    pkiDir: String(opts.pki_dir),
    hashType: typeof opts.hash_type === 'string' ? opts.hash_type : 'sha256',
    cachedir: typeof opts.cachedir === 'string' ? opts.cachedir : undefined,
    rotateAesKey: opts.rotate_aes_key !== false,
    masterId: typeof opts.id === 'string' ? opts.id : '',
    preserveMinionCache: Boolean(opts.preserve_minion_cache),
    preserveMinions: opts.preserve_minions === true,
    fireEvent: fireEvents ? async (tag, data) => void (await ctx.fireEvent(tag, { ...data })) : undefined,
  });
}

function trim(value: unknown): string {
  const v = String(value ?? '').trim();
  if (!v) throw new CommandExecutionError('Empty value during sanitation');
  return v;
}

/** Salt's `clean.filename`: the base name, keeping only letters, digits, space and `.`-`_`. */
export function cleanFilename(value: unknown): string {
  const base = trim(value).split('/').pop() ?? '';
  return base.replace(/[^a-zA-Z0-9.-_ ]/g, '');
}

/** Salt's `clean.id` (`clean.hostname`): letters, digits, `.` and `-`, dots stripped at the ends. */
export function cleanId(value: unknown): string {
  return trim(value).replace(/[^a-zA-Z0-9.-]/g, '').replace(/^\.+|\.+$/g, '');
}

function asListing(v: unknown): KeyListing {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CommandExecutionError(`A key listing must be a dict of lists: got ${JSON.stringify(v)}`);
  return v as KeyListing;
}

async function gen(opts: Opts, id: unknown, keysize: unknown): Promise<{ priv: string; pub: string }> {
  const name = id === null || id === undefined ? createHash('sha512').update(randomBytes(32)).digest('hex') : cleanFilename(id);
  const pair = await genKeys(name, String(opts.pki_dir), Number(keysize));
  const ret = { priv: readFileSync(pair.privPath, 'utf8'), pub: readFileSync(pair.pubPath, 'utf8') };
  unlinkSync(pair.privPath);
  unlinkSync(pair.pubPath);
  return ret;
}

const MATCH_DOC = (what: string, example: string) => `
    ${what}

    CLI Example:

    .. code-block:: python

        >>> wheel.cmd('key.${example}')
`;

const key: MasterModule = {
  name: 'key',
  functions: {
    list: defineMasterFunction(
      { args: ['match'], pyName: 'list_', doc: MATCH_DOC("List all the keys under a named status. Returns a dictionary.\n\n    match\n        The type of keys to list. The ``pre``, ``un``, and ``unaccepted``\n        options will list unaccepted/unsigned keys. ``acc`` or ``accepted`` will\n        list accepted/signed keys. ``rej`` or ``rejected`` will list rejected keys.\n        Finally, ``all`` will list all keys.", "list', match='accepted") },
      ({ match }, ctx) => keyStore(ctx, false).listStatus(String(match)),
    ),
    list_all: defineMasterFunction({ doc: MATCH_DOC('List all the keys.', "list_all'") }, (_p, ctx) => keyStore(ctx, false).allKeys()),
    name_match: defineMasterFunction(
      { args: ['match'], doc: MATCH_DOC('List all the keys based on a glob match', "name_match', 'minion1'") },
      ({ match }, ctx) => keyStore(ctx, false).nameMatch(match as string),
    ),
    accept: defineMasterFunction(
      {
        args: ['match', 'include_rejected', 'include_denied'],
        defaults: { include_rejected: false, include_denied: false },
        doc: MATCH_DOC('Accept keys based on a glob match. Returns a dictionary.', "accept', 'minion1'"),
      },
      async ({ match, include_rejected, include_denied }, ctx) =>
        (await keyStore(ctx).accept(match as string, { includeRejected: Boolean(include_rejected), includeDenied: Boolean(include_denied) })).keys,
    ),
    accept_dict: defineMasterFunction(
      {
        args: ['match', 'include_rejected', 'include_denied'],
        defaults: { include_rejected: false, include_denied: false },
        doc: MATCH_DOC('Accept keys based on a dict of keys. Returns a dictionary.', "accept_dict', {'minions_pre': ['jerry']}"),
      },
      async ({ match, include_rejected, include_denied }, ctx) =>
        (await keyStore(ctx).accept(asListing(match), { includeRejected: Boolean(include_rejected), includeDenied: Boolean(include_denied) })).keys,
    ),
    delete: defineMasterFunction(
      { args: ['match'], doc: MATCH_DOC('Delete keys based on a glob match. Returns a dictionary.', "delete', 'minion1'") },
      ({ match }, ctx) => keyStore(ctx).delete(match as string),
    ),
    delete_dict: defineMasterFunction(
      { args: ['match'], doc: MATCH_DOC('Delete keys based on a dict of keys. Returns a dictionary.', "delete_dict', {'minions': ['jerry']}") },
      ({ match }, ctx) => keyStore(ctx).delete(asListing(match)),
    ),
    reject: defineMasterFunction(
      {
        args: ['match', 'include_accepted', 'include_denied'],
        defaults: { include_accepted: false, include_denied: false },
        doc: MATCH_DOC('Reject keys based on a glob match. Returns a dictionary.', "reject', 'minion1'"),
      },
      ({ match, include_accepted, include_denied }, ctx) =>
        keyStore(ctx).reject(match as string, { includeAccepted: Boolean(include_accepted), includeDenied: Boolean(include_denied) }),
    ),
    reject_dict: defineMasterFunction(
      {
        args: ['match', 'include_accepted', 'include_denied'],
        defaults: { include_accepted: false, include_denied: false },
        doc: MATCH_DOC('Reject keys based on a dict of keys. Returns a dictionary.', "reject_dict', {'minions_pre': ['jerry']}"),
      },
      ({ match, include_accepted, include_denied }, ctx) =>
        keyStore(ctx).reject(asListing(match), { includeAccepted: Boolean(include_accepted), includeDenied: Boolean(include_denied) }),
    ),
    print: defineMasterFunction(
      { args: ['match'], pyName: 'key_str', doc: MATCH_DOC('Return information about the key. Returns a dictionary.', "print', 'minion1'") },
      ({ match }, ctx) => keyStore(ctx, false).keyStr(match as string),
    ),
    master_key_str: defineMasterFunction({ doc: MATCH_DOC('Returns master\'s public key. Returns a dictionary', "master_key_str'") }, (_p, ctx) => ({
      local: { 'master.pub': readFileSync(join(String(ctx.opts.pki_dir), 'master.pub'), 'utf8') },
    })),
    finger: defineMasterFunction(
      { args: ['match', 'hash_type'], defaults: { hash_type: null }, doc: MATCH_DOC('Return the matching key fingerprints. Returns a dictionary.', "finger', 'minion1'") },
      ({ match, hash_type }, ctx) => {
        const store = keyStore(ctx, false);
        return store.finger(match as string, typeof hash_type === 'string' ? hash_type : store.hashType);
      },
    ),
    finger_master: defineMasterFunction(
      { args: ['hash_type'], defaults: { hash_type: null }, doc: MATCH_DOC('Return the fingerprint of the master\'s public key', "finger_master'") },
      ({ hash_type }, ctx) => {
        const type = typeof hash_type === 'string' ? hash_type : typeof ctx.opts.hash_type === 'string' ? ctx.opts.hash_type : 'sha256';
        return { local: { 'master.pub': pemFingerOfFile(join(String(ctx.opts.pki_dir), 'master.pub'), type) } };
      },
    ),
    gen: defineMasterFunction(
      {
        args: ['id_', 'keysize'],
        defaults: { id_: null, keysize: 2048 },
        doc: `
          Generate a key pair. No keys are stored on the master. A key pair is
          returned as a dict containing pub and priv keys. Returns a dictionary
          containing the \`\`pub\`\` and \`\`priv\`\` keys with their generated values.

          id_
              Set a name to generate a key pair for use with salt. If not specified,
              a random name will be specified.

          keysize
              The size of the key pair to generate. The size must be \`\`2048\`\`, which
              is the default, or greater. If set to a value less than \`\`2048\`\`, the
              key size will be rounded up to \`\`2048\`\`.
        `,
      },
      ({ id_, keysize }, ctx) => gen(ctx.opts, id_, keysize),
    ),
    gen_accept: defineMasterFunction(
      {
        args: ['id_', 'keysize', 'force'],
        defaults: { keysize: 2048, force: false },
        doc: `
          Generate a key pair then accept the public key. This function returns the
          key pair in a dict, only the public key is preserved on the master. Returns
          a dictionary.

          id_
              The name of the minion for which to generate a key pair.

          keysize
              The size of the key pair to generate.

          force
              If a public key has already been accepted for the given minion on the
              master, then the gen_accept function will return an empty dictionary
              and not create a new key. This is the default behavior. If \`\`force\`\`
              is set to \`\`True\`\`, then the minion's previously accepted key will be
              overwritten.
        `,
      },
      async ({ id_, keysize, force }, ctx) => {
        const id = cleanId(id_);
        const ret = await gen(ctx.opts, id, keysize);
        const accPath = join(String(ctx.opts.pki_dir), 'minions', id);
        if (existsSync(accPath) && statSync(accPath).isFile() && !force) return {};
        writeFileSync(accPath, ret.pub);
        return ret;
      },
    ),
  },
};
key.functions.key_str = key.functions.print!;

export default key;
