/**
 * Salt's `cp` execution module: copy files from the master's file server to the minion
 * (`get_file`, `get_dir`, `cache_*`), list what the master serves, hash and stat files there, and
 * push minion files up to the master (`push`). With `file_client: local` the same functions
 * work over the minion's own `file_roots`.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { FileClientUnavailableError } from '../fileserver/errors.js';
import { createSaltUrl, parseSaltUrl } from '../fileserver/paths.js';
import { localFileClient, RemoteFileClient } from '../fileserver/remote_client.js';
import { CommandExecutionError } from '../loader/errors.js';
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { fileClientFor } from '../state/file_client.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { toPyOSError } from './_oserror.js';
import { basename as pyBasename, dirname as pyDirname, join as pyJoin } from './_pypath.js';

/** The file client `cp` works with: the masterless one, or the master-backed one the minion registered. */
export function cpClient(ctx: CallContext): RemoteFileClient {
  if (ctx.opts.file_client === 'local' || ctx.opts.local === true) return localFileClient(ctx.opts);
  const client = fileClientFor(ctx.opts);
  if (client instanceof RemoteFileClient) return client;
  throw new CommandExecutionError('No connection to the master file server is available (file_client: remote, but no master file client was registered)');
}

function envOf(ctx: CallContext, saltenv: unknown): string {
  if (saltenv) return String(saltenv);
  return ctx.opts.saltenv ? String(ctx.opts.saltenv) : 'base';
}

/** Runs a client call, reporting client failures as CommandExecutionError (Salt's error return). */
async function withClient<T>(ctx: CallContext, fn: (c: RemoteFileClient) => Promise<T>): Promise<T> {
  try {
    return await fn(cpClient(ctx));
  } catch (err) {
    if (err instanceof FileClientUnavailableError) throw new CommandExecutionError(err.message, { cause: err });
    throw err;
  }
}

/** Renders `text` as a Jinja template with the function's context (the `template=` option). */
async function renderTemplateText(ctx: CallContext, text: string, template: string, saltenv: string, extra: Record<string, unknown> = {}): Promise<string> {
  if (template !== 'jinja') throw new CommandExecutionError(`Attempted to render file paths with unavailable engine ${template}`);
  const { renderJinjaText } = await import('../render/renderers/jinja.js');
  const client = cpClient(ctx);
  return renderJinjaText(text, {
    saltenv,
    sls: '',
    argline: '',
    path: '',
    tmplpath: '',
    context: { salt: ctx.salt, grains: ctx.grains, pillar: ctx.pillar, opts: ctx.opts, ...extra },
    lookup: async (env, path) => {
      const f = await client.getFile(env, path);
      return f ? f.data.toString('utf8') : null;
    },
  });
}

/** Salt's `_render_filenames`: source and destination names rendered when `template` is set. */
async function renderFilenames(ctx: CallContext, path: string, dest: string, saltenv: string, template: unknown): Promise<[string, string]> {
  if (!template) return [path, dest];
  try {
    return [await renderTemplateText(ctx, path, String(template), saltenv), await renderTemplateText(ctx, dest, String(template), saltenv)];
  } catch (err) {
    if (err instanceof CommandExecutionError) throw err;
    throw new CommandExecutionError(`Failed to render file path with error: ${(err as Error).message}`);
  }
}

function gzipLevel(gzip: unknown): number | null {
  if (gzip === null || gzip === undefined || gzip === false || gzip === '') return null;
  const n = Number(gzip);
  return Number.isInteger(n) && n > 0 ? n : null;
}

async function pushOne(ctx: CallContext, path: string, keepSymlinks: unknown, uploadPath: unknown, removeSource: unknown): Promise<boolean> {
  return withClient(ctx, (c) => c.push(path, { keepSymlinks: keepSymlinks === true, uploadPath: uploadPath ? String(uploadPath) : null, removeSource: removeSource === true }));
}

async function walkFiles(dir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walkFiles(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

/** Whether `path` is an existing directory (Python's `os.path.isdir`). */
async function isDir(path: string): Promise<boolean> {
  if (!path) return false;
  return stat(path).then((s) => s.isDirectory(), () => false);
}

/** File contents as salt-cp publishes them: text (str) or bytes (bin). */
function recvBytes(data: unknown): Buffer | string {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data);
  return String(data ?? '');
}

/** Python's `str(OSError)` for a failed file operation. */
function osErrorText(err: unknown): string {
  return String((toPyOSError(err) as Error).message ?? err);
}

/**
 * `cp.recv` (salt-cp without --chunked): writes each `{path: contents}` entry to `dest` (a file,
 * or a directory to put the file's base name in). Returns `{final_path: True}` per file (False
 * when the write failed), or "Destination unavailable" when neither `dest` nor its parent is a
 * directory.
 */
async function recv(files: unknown, dest: string): Promise<Record<string, boolean> | string> {
  const ret: Record<string, boolean> = {};
  const entries = files && typeof files === 'object' && !Array.isArray(files) && !Buffer.isBuffer(files) ? Object.entries(files as Record<string, unknown>) : [];
  for (const [path, data] of entries) {
    let final: string;
    const destIsDir = await isDir(dest);
    if (pyBasename(path) === pyBasename(dest) && !destIsDir) final = dest;
    else if (destIsDir) final = pyJoin(dest, pyBasename(path));
    else if (await isDir(pyDirname(dest))) final = dest;
    else return 'Destination unavailable';
    try {
      await writeFile(final, recvBytes(data));
      ret[final] = true;
    } catch {
      ret[final] = false;
    }
  }
  return ret;
}

/**
 * `cp.recv_chunked` (salt-cp --chunked): writes one base64 chunk of a file (gzip-compressed
 * unless `compressed` is false) to `dest`, appending after the first chunk, creating missing
 * parent directories and applying `mode` on the first chunk. A null chunk creates the empty
 * directory `dest`. Errors are returned as text with retcode 1.
 */
async function recvChunked(ctx: CallContext, dest: string, chunk: unknown, append: boolean, compressed: boolean, mode: unknown): Promise<boolean | string> {
  if (!('retcode' in ctx.context)) ctx.context.retcode = 0;
  const error = (msg: string): string => {
    ctx.context.retcode = 1;
    return msg;
  };
  if (chunk === null || chunk === undefined) {
    try {
      await mkdir(dest, { recursive: false }).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') await mkdir(dest, { recursive: true });
        else throw err;
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        if (await stat(dest).then((s) => s.isFile(), () => false)) return 'Path exists and is a file';
      } else return error(osErrorText(err));
    }
    return true;
  }
  let data = Buffer.from(typeof chunk === 'string' ? chunk : recvBytes(chunk).toString('latin1'), 'base64');
  if (compressed) {
    const { gunzipSync } = await import('node:zlib');
    try {
      data = gunzipSync(data);
    } catch (err) {
      return error(String((err as Error).message));
    }
  }
  const { open } = await import('node:fs/promises');
  const flags = append ? 'a' : 'w';
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(dest, flags);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return error(osErrorText(err));
    try {
      await mkdir(pyDirname(dest), { recursive: true });
    } catch (mkErr) {
      return error(osErrorText(mkErr));
    }
    try {
      fh = await open(dest, flags);
    } catch (err2) {
      return error(osErrorText(err2));
    }
  }
  try {
    await fh.write(data);
  } catch (err) {
    return error(osErrorText(err));
  } finally {
    await fh.close().catch(() => undefined);
  }
  if (!append && mode !== null && mode !== undefined) {
    const { chmod } = await import('node:fs/promises');
    try {
      await chmod(dest, Number(mode));
    } catch (err) {
      return error(osErrorText(err));
    }
  }
  return true;
}

const mod: SaltModule = {
  name: 'cp',
  functions: {
    get_file: defineFunction(
      { args: ['path', 'dest', 'saltenv', 'makedirs', 'template', 'gzip'], defaults: { saltenv: null, makedirs: false, template: null, gzip: null }, kwargs: true, doc: 'Used to get a single file from the salt master.' },
      async ({ path, dest, saltenv, makedirs, template, gzip }, ctx) => {
        let env = envOf(ctx, saltenv);
        const [src, target] = await renderFilenames(ctx, String(path), String(dest), env, template);
        const { saltenv: senv } = parseSaltUrl(src);
        if (senv) env = senv;
        const url = createSaltUrl(parseSaltUrl(src).path);
        return withClient(ctx, async (c) => {
          if (!src.startsWith('salt://') || !(await c.hashFile(url, env))) return '';
          return c.getFileTo(url, target, { makedirs: makedirs === true, saltenv: env, gzip: gzipLevel(gzip) });
        });
      },
    ),
    get_file_str: defineFunction({ args: ['path', 'saltenv'], defaults: { saltenv: null }, doc: 'Download a file from a URL to the Minion cache directory and return the contents of that file.' }, async ({ path, saltenv }, ctx) => {
      const env = envOf(ctx, saltenv);
      const got = await withClient(ctx, (c) => c.cacheFile(String(path), env));
      if (typeof got !== 'string') return got;
      try {
        return await readFile(got, 'utf8');
      } catch {
        return false;
      }
    }),
    get_dir: defineFunction(
      { args: ['path', 'dest', 'saltenv', 'template', 'gzip'], defaults: { saltenv: null, template: null, gzip: null }, kwargs: true, doc: 'Used to recursively copy a directory from the salt master.' },
      async ({ path, dest, saltenv, template, gzip }, ctx) => {
        const env = envOf(ctx, saltenv);
        const [src, target] = await renderFilenames(ctx, String(path), String(dest), env, template);
        return withClient(ctx, (c) => c.getDir(src, target, env, gzipLevel(gzip)));
      },
    ),
    get_template: defineFunction(
      { args: ['path', 'dest', 'template', 'saltenv', 'makedirs'], defaults: { template: 'jinja', saltenv: null, makedirs: false }, kwargs: true, doc: 'Render a file as a template before setting it down.' },
      async ({ path, dest, template, saltenv, makedirs }, ctx, { kwargs }) => {
        const env = envOf(ctx, saltenv);
        const cached = await withClient(ctx, (c) => c.cacheFile(String(path), env));
        if (!cached) return '';
        const extra = Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__')));
        let rendered: string;
        try {
          rendered = await renderTemplateText(ctx, await readFile(cached, 'utf8'), String(template), env, extra);
        } catch (err) {
          ctx.log.error(`Failed to render template with error: ${(err as Error).message}`);
          return '';
        }
        let target = String(dest ?? '');
        let mkdirs = makedirs === true;
        if (!target) {
          target = join(String(ctx.opts.cachedir ?? '/var/cache/salt/minion'), 'extrn_files', env, parseSaltUrl(String(path)).path);
          mkdirs = true;
        }
        const dir = dirname(target);
        if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) {
          if (!mkdirs) return '';
          await mkdir(dir, { recursive: true });
        }
        const tmp = `${target}.${process.pid}.tmp`;
        await writeFile(tmp, rendered);
        await rename(tmp, target);
        return target;
      },
    ),
    envs: defineFunction({ doc: 'List available environments for fileserver' }, async (_p, ctx) => withClient(ctx, (c) => c.envs())),
    cache_file: defineFunction(
      { args: ['path', 'saltenv', 'source_hash', 'verify_ssl', 'use_etag'], defaults: { saltenv: null, source_hash: null, verify_ssl: true, use_etag: false }, doc: 'Used to cache a single file on the Minion' },
      async ({ path, saltenv }, ctx) => {
        let env = envOf(ctx, saltenv);
        const { saltenv: senv } = parseSaltUrl(String(path));
        if (senv) env = senv;
        const url = String(path).startsWith('salt://') ? createSaltUrl(parseSaltUrl(String(path)).path) : String(path);
        const result = await withClient(ctx, (c) => c.cacheFile(url, env));
        if (!result) ctx.log.error(`Unable to cache file '${url}' from saltenv '${env}'.`);
        return result;
      },
    ),
    cache_files: defineFunction({ args: ['paths', 'saltenv'], defaults: { saltenv: null }, doc: 'Used to gather many files from the Master, the gathered files will be saved in the minion cachedir reflective to the paths retrieved from the Master' }, async ({ paths, saltenv }, ctx) =>
      withClient(ctx, (c) => c.cacheFiles(Array.isArray(paths) ? paths.map(String) : String(paths), envOf(ctx, saltenv))),
    ),
    cache_dir: defineFunction(
      { args: ['path', 'saltenv', 'include_empty', 'include_pat', 'exclude_pat'], defaults: { saltenv: null, include_empty: false, include_pat: null, exclude_pat: null }, doc: 'Download and cache everything under a directory from the master' },
      async ({ path, saltenv, include_empty, include_pat, exclude_pat }, ctx) =>
        withClient(ctx, (c) => c.cacheDir(String(path), envOf(ctx, saltenv), include_empty === true, include_pat, exclude_pat)),
    ),
    cache_master: defineFunction({ args: ['saltenv'], defaults: { saltenv: null }, doc: 'Retrieve all of the files on the master and cache them locally' }, async ({ saltenv }, ctx) =>
      withClient(ctx, async (c) => {
        const env = envOf(ctx, saltenv);
        const out: Array<string | false> = [];
        for (const f of await c.fileList(env)) out.push(await c.cacheFile(createSaltUrl(f), env));
        return out;
      }),
    ),
    list_states: defineFunction({ args: ['saltenv'], defaults: { saltenv: null }, doc: 'List all of the available state files in an environment' }, async ({ saltenv }, ctx) => withClient(ctx, (c) => c.listStates(envOf(ctx, saltenv)))),
    list_master: defineFunction({ args: ['saltenv', 'prefix'], defaults: { saltenv: null, prefix: '' }, doc: 'List all of the files stored on the master' }, async ({ saltenv, prefix }, ctx) =>
      withClient(ctx, (c) => c.fileList(envOf(ctx, saltenv), String(prefix ?? ''))),
    ),
    list_master_dirs: defineFunction({ args: ['saltenv', 'prefix'], defaults: { saltenv: null, prefix: '' }, doc: 'List all of the directories stored on the master' }, async ({ saltenv, prefix }, ctx) =>
      withClient(ctx, (c) => c.dirList(envOf(ctx, saltenv), String(prefix ?? ''))),
    ),
    list_master_symlinks: defineFunction({ args: ['saltenv', 'prefix'], defaults: { saltenv: null, prefix: '' }, doc: 'List all of the symlinks stored on the master' }, async ({ saltenv, prefix }, ctx) =>
      withClient(ctx, (c) => c.symlinkList(envOf(ctx, saltenv), String(prefix ?? ''))),
    ),
    list_minion: defineFunction({ args: ['saltenv'], defaults: { saltenv: null }, doc: 'List all of the files cached on the minion' }, async ({ saltenv }, ctx) => {
      const cachedir = String(ctx.opts.cachedir ?? '/var/cache/salt/minion');
      const out = new Set<string>();
      for (const dir of [join(cachedir, 'files', envOf(ctx, saltenv)), join(cachedir, 'localfiles')]) {
        for (const f of await walkFiles(dir).catch(() => [] as string[])) out.add(f);
      }
      return [...out].sort();
    }),
    is_cached: defineFunction({ args: ['path', 'saltenv'], defaults: { saltenv: null }, doc: 'Returns the full path to a file if it is cached locally on the minion otherwise returns a blank string' }, async ({ path, saltenv }, ctx) =>
      withClient(ctx, (c) => c.isCached(String(path), envOf(ctx, saltenv))),
    ),
    hash_file: defineFunction({ args: ['path', 'saltenv'], defaults: { saltenv: null }, doc: 'Return the hash of a file, to get the hash of a file on the salt master file server prepend the path with salt://<file on server> otherwise, prepend the file with / for a local file.' }, async ({ path, saltenv }, ctx) => {
      let env = envOf(ctx, saltenv);
      const p = String(path);
      const { saltenv: senv } = parseSaltUrl(p);
      if (senv) env = senv;
      const url = p.startsWith('salt://') ? createSaltUrl(parseSaltUrl(p).path) : p;
      return withClient(ctx, (c) => c.hashFile(url, env));
    }),
    stat_file: defineFunction({ args: ['path', 'saltenv', 'octal'], defaults: { saltenv: null, octal: true }, doc: 'Return the permissions of a file, to get the permissions of a file on the salt master file server prepend the path with salt://<file on server> otherwise, prepend the file with / for a local file.' }, async ({ path, saltenv, octal }, ctx) => {
      let env = envOf(ctx, saltenv);
      const p = String(path);
      const { saltenv: senv } = parseSaltUrl(p);
      if (senv) env = senv;
      const url = p.startsWith('salt://') ? createSaltUrl(parseSaltUrl(p).path) : p;
      const [, st] = await withClient(ctx, (c) => c.hashAndStatFile(url, env));
      if (!Array.isArray(st)) return null;
      const mode = Number(st[0]);
      return octal === true ? `0o${mode.toString(8)}`.slice(-4) : mode;
    }),
    recv: defineFunction({ args: ['files', 'dest'], doc: 'Used with salt-cp, pass the files dict, and the destination.' }, async ({ files, dest }) => recv(files, String(dest))),
    recv_chunked: defineFunction(
      { args: ['dest', 'chunk', 'append', 'compressed', 'mode'], defaults: { append: false, compressed: true, mode: null }, doc: 'This function receives files copied to the minion using ``salt-cp`` and is not intended to be used directly on the CLI.' },
      async ({ dest, chunk, append, compressed, mode }, ctx) => recvChunked(ctx, String(dest), chunk, append === true, compressed !== false && compressed !== null && compressed !== 0, mode),
    ),
    push: defineFunction(
      { args: ['path', 'keep_symlinks', 'upload_path', 'remove_source'], defaults: { keep_symlinks: false, upload_path: null, remove_source: false }, doc: 'WARNING Files pushed to the master will have global read permissions.. Push a file from the minion up to the master, the file will be saved to the salt master in the master\'s minion files cachedir (defaults to ``/var/cache/salt/master/minions/minion-id/files``)' },
      async ({ path, keep_symlinks, upload_path, remove_source }, ctx) => pushOne(ctx, String(path), keep_symlinks, upload_path, remove_source),
    ),
    push_dir: defineFunction({ args: ['path', 'glob', 'upload_path'], defaults: { glob: null, upload_path: null }, doc: 'Push a directory from the minion up to the master, the files will be saved to the salt master in the master\'s minion files cachedir' }, async ({ path, glob, upload_path }, ctx) => {
      const p = String(path);
      if (p.includes('../') || !isAbsolute(p)) return false;
      const { realpath } = await import('node:fs/promises');
      const root = await realpath(p).catch(() => p);
      const st = await stat(root).catch(() => null);
      if (!st) return false;
      if (st.isFile()) return pushOne(ctx, root, false, upload_path, false);
      let files = await walkFiles(root).catch(() => [] as string[]);
      if (glob !== null && glob !== undefined) files = files.filter((f) => fnmatch(f.slice(f.lastIndexOf('/') + 1), String(glob)));
      if (!files.length) return false;
      for (const f of files) {
        const up = upload_path ? `/${String(upload_path).replace(/^\/+|\/+$/g, '')}/${f.slice(root.length).replace(/^\/+|\/+$/g, '')}` : null;
        const ok = await pushOne(ctx, f, false, up, false);
        if (!ok) return ok;
      }
      return true;
    }),
  },
};

/** Salt 3006.10's docstrings of these functions (what `sys.doc` shows). */
const DOCS: Record<string, string> = {
  get_file: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\n.. versionchanged:: 2018.3.0\n    ``dest`` can now be a directory\n\nUsed to get a single file from the salt master\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.get_file salt://path/to/file /minion/dest\n\nTemplate rendering can be enabled on both the source and destination file\nnames like so:\n\n.. code-block:: bash\n\n    salt '*' cp.get_file \"salt://{{grains.os}}/vimrc\" /etc/vimrc template=jinja\n\nThis example would instruct all Salt minions to download the vimrc from a\ndirectory with the same name as their os grain and copy it to /etc/vimrc\n\nFor larger files, the cp.get_file module also supports gzip compression.\nBecause gzip is CPU-intensive, this should only be used in scenarios where\nthe compression ratio is very high (e.g. pretty-printed JSON or YAML\nfiles).\n\nUse the *gzip* named argument to enable it.  Valid values are 1..9, where 1\nis the lightest compression and 9 the heaviest.  1 uses the least CPU on\nthe master (and minion), 9 uses the most.\n\nThere are two ways of defining the fileserver environment (a.k.a.\n``saltenv``) from which to retrieve the file. One is to use the ``saltenv``\nparameter, and the other is to use a querystring syntax in the ``salt://``\nURL. The below two examples are equivalent:\n\n.. code-block:: bash\n\n    salt '*' cp.get_file salt://foo/bar.conf /etc/foo/bar.conf saltenv=config\n    salt '*' cp.get_file salt://foo/bar.conf?saltenv=config /etc/foo/bar.conf\n\n.. note::\n    It may be necessary to quote the URL when using the querystring method,\n    depending on the shell being used to run the command.",
  get_file_str: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nDownload a file from a URL to the Minion cache directory and return the\ncontents of that file\n\nReturns ``False`` if Salt was unable to cache a file from a URL.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.get_file_str salt://my/file",
  get_dir: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nUsed to recursively copy a directory from the salt master\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.get_dir salt://path/to/dir/ /minion/dest\n\nget_dir supports the same template and gzip arguments as get_file.",
  get_template: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nRender a file as a template before setting it down.\nWarning, order is not the same as in fileclient.cp for\nnon breaking old API.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.get_template salt://path/to/template /minion/dest",
  envs: "List available environments for fileserver\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.envs",
  cache_file: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nUsed to cache a single file on the Minion\n\nReturns the location of the new cached file on the Minion\n\nsource_hash\n    If ``name`` is an http(s) or ftp URL and the file exists in the\n    minion's file cache, this option can be passed to keep the minion from\n    re-downloading the file if the cached copy matches the specified hash.\n\n    .. versionadded:: 2018.3.0\n\nverify_ssl\n    If ``False``, remote https file sources (``https://``) and source_hash\n    will not attempt to validate the servers certificate. Default is True.\n\n    .. versionadded:: 3002\n\nuse_etag\n    If ``True``, remote http/https file sources will attempt to use the\n    ETag header to determine if the remote file needs to be downloaded.\n    This provides a lightweight mechanism for promptly refreshing files\n    changed on a web server without requiring a full hash comparison via\n    the ``source_hash`` parameter.\n\n    .. versionadded:: 3005\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.cache_file salt://path/to/file\n\nThere are two ways of defining the fileserver environment (a.k.a.\n``saltenv``) from which to cache the file. One is to use the ``saltenv``\nparameter, and the other is to use a querystring syntax in the ``salt://``\nURL. The below two examples are equivalent:\n\n.. code-block:: bash\n\n    salt '*' cp.cache_file salt://foo/bar.conf saltenv=config\n    salt '*' cp.cache_file salt://foo/bar.conf?saltenv=config\n\nIf the path being cached is a ``salt://`` URI, and the path does not exist,\nthen ``False`` will be returned.\n\n.. note::\n    It may be necessary to quote the URL when using the querystring method,\n    depending on the shell being used to run the command.",
  cache_files: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nUsed to gather many files from the Master, the gathered files will be\nsaved in the minion cachedir reflective to the paths retrieved from the\nMaster\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.cache_files salt://pathto/file1,salt://pathto/file1\n\nThere are two ways of defining the fileserver environment (a.k.a.\n``saltenv``) from which to cache the files. One is to use the ``saltenv``\nparameter, and the other is to use a querystring syntax in the ``salt://``\nURL. The below two examples are equivalent:\n\n.. code-block:: bash\n\n    salt '*' cp.cache_files salt://foo/bar.conf,salt://foo/baz.conf saltenv=config\n    salt '*' cp.cache_files salt://foo/bar.conf?saltenv=config,salt://foo/baz.conf?saltenv=config\n\nThe querystring method is less useful when all files are being cached from\nthe same environment, but is a good way of caching files from multiple\ndifferent environments in the same command. For example, the below command\nwill cache the first file from the ``config1`` environment, and the second\none from the ``config2`` environment.\n\n.. code-block:: bash\n\n    salt '*' cp.cache_files salt://foo/bar.conf?saltenv=config1,salt://foo/bar.conf?saltenv=config2\n\n.. note::\n    It may be necessary to quote the URL when using the querystring method,\n    depending on the shell being used to run the command.",
  cache_dir: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nDownload and cache everything under a directory from the master\n\n\ninclude_pat : None\n    Glob or regex to narrow down the files cached from the given path. If\n    matching with a regex, the regex must be prefixed with ``E@``,\n    otherwise the expression will be interpreted as a glob.\n\n    .. versionadded:: 2014.7.0\n\nexclude_pat : None\n    Glob or regex to exclude certain files from being cached from the given\n    path. If matching with a regex, the regex must be prefixed with ``E@``,\n    otherwise the expression will be interpreted as a glob.\n\n    .. note::\n\n        If used with ``include_pat``, files matching this pattern will be\n        excluded from the subset of files defined by ``include_pat``.\n\n    .. versionadded:: 2014.7.0\n\nCLI Examples:\n\n.. code-block:: bash\n\n    salt '*' cp.cache_dir salt://path/to/dir\n    salt '*' cp.cache_dir salt://path/to/dir include_pat='E@*.py$'",
  cache_master: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nRetrieve all of the files on the master and cache them locally\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.cache_master",
  list_states: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nList all of the available state modules in an environment\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.list_states",
  list_master: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nList all of the files stored on the master\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.list_master",
  list_master_dirs: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nList all of the directories stored on the master\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.list_master_dirs",
  list_master_symlinks: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nList all of the symlinks stored on the master\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.list_master_symlinks",
  list_minion: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nList all of the files cached on the minion\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.list_minion",
  is_cached: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nReturns the full path to a file if it is cached locally on the minion\notherwise returns a blank string\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.is_cached salt://path/to/file",
  hash_file: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nReturn the hash of a file, to get the hash of a file on the\nsalt master file server prepend the path with salt://<file on server>\notherwise, prepend the file with / for a local file.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.hash_file salt://path/to/file",
  stat_file: ".. versionchanged:: 3005\n    ``saltenv`` will use value from config if not explicitly set\n\nReturn the permissions of a file, to get the permissions of a file on the\nsalt master file server prepend the path with salt://<file on server>\notherwise, prepend the file with / for a local file.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.stat_file salt://path/to/file",
  recv: "Used with salt-cp, pass the files dict, and the destination.\n\nThis function receives small fast copy files from the master via salt-cp.\nIt does not work via the CLI.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.recv",
  recv_chunked: "This function receives files copied to the minion using ``salt-cp`` and is\nnot intended to be used directly on the CLI.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.recv_chunked",
  push: "WARNING Files pushed to the master will have global read permissions..\n\nPush a file from the minion up to the master, the file will be saved to\nthe salt master in the master's minion files cachedir\n(defaults to ``/var/cache/salt/master/minions/minion-id/files``)\n\nSince this feature allows a minion to push a file up to the master server\nit is disabled by default for security purposes. To enable, set\n``file_recv`` to ``True`` in the master configuration file, and restart the\nmaster.\n\nkeep_symlinks\n    Keep the path value without resolving its canonical form\n\nupload_path\n    Provide a different path inside the master's minion files cachedir\n\nremove_source\n    Remove the source file on the minion\n\n    .. versionadded:: 2016.3.0\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.push /etc/fstab\n    salt '*' cp.push /etc/system-release keep_symlinks=True\n    salt '*' cp.push /etc/fstab upload_path='/new/path/fstab'\n    salt '*' cp.push /tmp/filename remove_source=True",
  push_dir: "Push a directory from the minion up to the master, the files will be saved\nto the salt master in the master's minion files cachedir (defaults to\n``/var/cache/salt/master/minions/minion-id/files``).  It also has a glob\nfor matching specific files using globbing.\n\n.. versionadded:: 2014.7.0\n\nSince this feature allows a minion to push files up to the master server it\nis disabled by default for security purposes. To enable, set ``file_recv``\nto ``True`` in the master configuration file, and restart the master.\n\nupload_path\n    Provide a different path and directory name inside the master's minion\n    files cachedir\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' cp.push /usr/lib/mysql\n    salt '*' cp.push /usr/lib/mysql upload_path='/newmysql/path'\n    salt '*' cp.push_dir /etc/modprobe.d/ glob='*.conf'",
};
for (const [name, fn] of Object.entries(mod.functions)) if (DOCS[name]) fn.doc = DOCS[name]!;

export default mod;
