/**
 * Type checks of the options the daemons rely on. Salt only logs wrong types; we refuse to start
 * with a message naming the file, the line, the option, the constraint and the value.
 * Numeric strings (`publish_port: "4505"`) are accepted and turned into numbers, since Salt's own
 * check (`int("4505")`) accepts them too.
 */
import { ConfigError, type OptionSource } from './errors.js';

/** Salt's log levels (`salt._logging.LOG_LEVELS`). */
export const LOG_LEVELS = ['all', 'garbage', 'trace', 'debug', 'profile', 'info', 'warning', 'error', 'critical', 'quiet'];
/** Hash names `hash_type` may take (the hashlib algorithms Salt's file hashing uses). */
export const HASH_TYPES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
export const ENCRYPTION_ALGORITHMS = ['OAEP-SHA1', 'OAEP-SHA224'];
export const SIGNING_ALGORITHMS = ['PKCS1v15-SHA1', 'PKCS1v15-SHA224'];

type Outcome = { ok: true; value: unknown } | { ok: false };
interface Rule {
  constraint: string;
  check(value: unknown): Outcome;
}

const ok = (value: unknown): Outcome => ({ ok: true, value });
const bad: Outcome = { ok: false };

function asNumber(value: unknown, integer: boolean): number | undefined {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && value.trim() !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim())) n = Number(value);
  if (n === undefined || Number.isNaN(n)) return undefined;
  if (integer && !Number.isInteger(n)) return undefined;
  return n;
}

function intRange(min: number, max: number, constraint: string): Rule {
  return {
    constraint,
    check: (v) => {
      const n = asNumber(v, true);
      return n !== undefined && n >= min && n <= max ? ok(n) : bad;
    },
  };
}

function numberRange(min: number, constraint: string): Rule {
  return {
    constraint,
    check: (v) => {
      const n = asNumber(v, false);
      return n !== undefined && n >= min ? ok(n) : bad;
    },
  };
}

function oneOf(values: string[], caseInsensitive = false): Rule {
  return {
    constraint: `one of ${values.join(', ')}`,
    check: (v) =>
      typeof v === 'string' && values.includes(caseInsensitive ? v.toLowerCase() : v) ? ok(v) : bad,
  };
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

const PORT = intRange(1, 65535, 'a port number (1-65535)');
const PORT_OR_ZERO = intRange(0, 65535, 'a port number (0-65535, 0 for any)');
const POSITIVE_INT = intRange(1, Number.MAX_SAFE_INTEGER, 'an integer of at least 1');
const NON_NEGATIVE_INT = intRange(0, Number.MAX_SAFE_INTEGER, 'an integer of at least 0');
const INT = intRange(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'an integer');
const SECONDS = numberRange(0, 'a number of seconds (at least 0)');
const NON_NEGATIVE_NUMBER = numberRange(0, 'a number of at least 0');
const NUMBER = numberRange(-Infinity, 'a number');
const BOOL: Rule = { constraint: 'a boolean (True or False)', check: (v) => (typeof v === 'boolean' ? ok(v) : bad) };
const BOOL_OR_NONE: Rule = {
  constraint: 'True, False or None',
  check: (v) => (typeof v === 'boolean' || v === null ? ok(v) : bad),
};
const STRING: Rule = { constraint: 'a string', check: (v) => (typeof v === 'string' ? ok(v) : bad) };
const PATH: Rule = {
  constraint: 'a path (a non-empty string)',
  check: (v) => (typeof v === 'string' && v !== '' ? ok(v) : bad),
};
const PATH_OR_NONE: Rule = {
  constraint: 'a path (a non-empty string) or None',
  check: (v) => ((typeof v === 'string' && v !== '') || v === null ? ok(v) : bad),
};
const DICT: Rule = { constraint: 'a mapping', check: (v) => (isDict(v) ? ok(v) : bad) };
const DICT_OR_NONE: Rule = {
  constraint: 'a mapping',
  check: (v) => (v === null ? ok({}) : isDict(v) ? ok(v) : bad),
};
const LIST: Rule = { constraint: 'a list', check: (v) => (Array.isArray(v) ? ok(v) : bad) };
const LOG_LEVEL: Rule = { ...oneOf(LOG_LEVELS, true) };
const LOG_LEVEL_OR_NONE: Rule = {
  constraint: `${LOG_LEVEL.constraint} (or None)`,
  check: (v) => (v === null ? ok(v) : LOG_LEVEL.check(v)),
};
const HASH: Rule = {
  constraint: `a hash name, one of ${HASH_TYPES.join(', ')}`,
  check: (v) => (typeof v === 'string' && HASH_TYPES.includes(v.toLowerCase()) ? ok(v.toLowerCase()) : bad),
};
const ROOTS: Rule = {
  constraint: 'a mapping of environment names to lists of directories',
  check: (v) => {
    if (!isDict(v)) return bad;
    const out: Record<string, string[]> = {};
    for (const [env, dirs] of Object.entries(v)) {
      // `base:` with nothing under it is None, which Salt turns into an empty list.
      if (dirs === null) out[env] = [];
      else if (Array.isArray(dirs) && dirs.every((d) => typeof d === 'string')) out[env] = [...dirs];
      else return bad;
    }
    return ok(out);
  },
};
const MASTER_ADDRESS: Rule = {
  constraint: 'a host name or a list of host names',
  check: (v) => {
    if (typeof v === 'string' && v !== '') return ok(v);
    if (Array.isArray(v) && v.length > 0 && v.every((m) => typeof m === 'string' && m !== '')) return ok(v);
    return bad;
  },
};
const NODEGROUPS: Rule = {
  constraint: 'a mapping of nodegroup names to targets',
  check: (v) => {
    if (v === null) return ok({});
    if (isDict(v)) return ok(v);
    // A list of one-key mappings (Salt's "dictlist") is repacked into one mapping.
    if (Array.isArray(v) && v.every((item) => isDict(item) && Object.keys(item).length === 1)) {
      return ok(Object.assign({}, ...v));
    }
    return bad;
  },
};

/** Salt's `valid_id`: text without `/`, `\` or NUL that stays inside `pki_dir` when joined to it. */
export function isValidMinionId(id: unknown): id is string {
  return typeof id === 'string' && id !== '' && id !== '.' && id !== '..' && !/[/\\\0]/.test(id);
}

const MINION_ID: Rule = {
  constraint: "a valid minion id (a non-empty string without '/', '\\' or NUL, not '.' or '..')",
  check: (v) => (isValidMinionId(v) ? ok(v) : bad),
};

const COMMON_RULES: Record<string, Rule> = {
  root_dir: PATH,
  pki_dir: PATH,
  cachedir: PATH,
  sock_dir: PATH,
  pidfile: PATH,
  // An empty or None extension_modules falls back to <cachedir>/extmods, as in Salt.
  extension_modules: { constraint: 'a path', check: (v) => (v === null ? ok('') : typeof v === 'string' ? ok(v) : bad) },
  log_file: PATH,
  key_logfile: PATH,
  log_level: LOG_LEVEL,
  log_level_logfile: LOG_LEVEL_OR_NONE,
  user: STRING,
  interface: { constraint: 'an IP address (a string)', check: (v) => (typeof v === 'string' && v !== '' ? ok(v) : bad) },
  ipv6: BOOL_OR_NONE,
  ipc_mode: oneOf(['ipc', 'tcp']),
  transport: oneOf(['zeromq', 'tcp', 'ws']),
  hash_type: HASH,
  keysize: intRange(1024, Number.MAX_SAFE_INTEGER, 'an integer of at least 1024'),
  file_roots: ROOTS,
  pillar_roots: ROOTS,
  file_buffer_size: POSITIVE_INT,
  max_event_size: POSITIVE_INT,
  tcp_keepalive: BOOL,
  tcp_keepalive_idle: NUMBER,
  tcp_keepalive_cnt: NUMBER,
  tcp_keepalive_intvl: NUMBER,
  zmq_filtering: BOOL,
  sign_pub_messages: BOOL,
  unique_jid: BOOL,
  loop_interval: SECONDS,
  open_mode: BOOL,
  auto_accept: BOOL,
  default_include: STRING,
  grains: DICT_OR_NONE,
  schedule: DICT_OR_NONE,
  pub_hwm: NON_NEGATIVE_INT,
  zmq_backlog: NON_NEGATIVE_INT,
  sock_pool_size: POSITIVE_INT,
  tcp_pub_port: PORT,
  tcp_pull_port: PORT,
  request_channel_timeout: SECONDS,
  request_channel_tries: POSITIVE_INT,
  multiprocessing: BOOL,
  file_recv: BOOL,
  file_recv_max_size: NON_NEGATIVE_INT,
  test: BOOL,
  verify_env: BOOL,
  permissive_pki_access: BOOL,
  cache_jobs: BOOL,
};

const MASTER_RULES: Record<string, Rule> = {
  ...COMMON_RULES,
  publish_port: PORT,
  ret_port: PORT,
  tcp_master_pub_port: PORT,
  tcp_master_pull_port: PORT,
  tcp_master_publish_pull: PORT,
  tcp_master_workers: PORT,
  worker_threads: POSITIVE_INT,
  timeout: SECONDS,
  gather_job_timeout: SECONDS,
  publish_timeout: SECONDS,
  keep_jobs: NON_NEGATIVE_INT,
  keep_jobs_seconds: NON_NEGATIVE_INT,
  auth_mode: NON_NEGATIVE_INT,
  autosign_timeout: NON_NEGATIVE_INT,
  autosign_file: PATH_OR_NONE,
  autoreject_file: PATH_OR_NONE,
  autosign_grains_dir: PATH_OR_NONE,
  max_minions: NON_NEGATIVE_INT,
  publish_session: NON_NEGATIVE_INT,
  rotate_aes_key: BOOL,
  ping_on_rotate: BOOL,
  master_sign_pubkey: BOOL,
  master_sign_key_name: STRING,
  master_use_pubkey_signature: BOOL,
  master_pubkey_signature: STRING,
  publish_signing_algorithm: oneOf(SIGNING_ALGORITHMS),
  request_server_ttl: NON_NEGATIVE_INT,
  minimum_auth_version: NON_NEGATIVE_INT,
  require_minion_sign_messages: BOOL,
  drop_messages_signature_fail: BOOL,
  minion_data_cache: BOOL,
  key_cache: STRING,
  job_cache: BOOL,
  master_job_cache: STRING,
  pillar_version: NON_NEGATIVE_INT,
  token_expire: NON_NEGATIVE_INT,
  eauth_tokens: STRING,
  sqlite_queue_dir: PATH,
  ssh_log_file: PATH,
  nodegroups: NODEGROUPS,
  external_auth: DICT_OR_NONE,
  publisher_acl: DICT_OR_NONE,
  peer: DICT_OR_NONE,
  show_timeout: BOOL,
  show_jid: BOOL,
  order_masters: BOOL,
  client_acl_verify: BOOL,
  syndic_wait: SECONDS,
  cli_summary: BOOL,
  allow_minion_key_revoke: BOOL,
  auth_events: BOOL,
  minion_data_cache_events: BOOL,
};

const MINION_RULES: Record<string, Rule> = {
  ...COMMON_RULES,
  master: MASTER_ADDRESS,
  master_port: PORT,
  master_type: oneOf(['str', 'failover', 'func', 'disable', 'distributed']),
  master_uri_format: oneOf(['default', 'ip_only']),
  master_finger: STRING,
  master_tries: INT,
  master_alive_interval: NON_NEGATIVE_INT,
  master_shuffle: BOOL,
  random_master: BOOL,
  retry_dns: SECONDS,
  source_address: STRING,
  source_interface_name: STRING,
  source_ret_port: PORT_OR_ZERO,
  source_publish_port: PORT_OR_ZERO,
  acceptance_wait_time: SECONDS,
  acceptance_wait_time_max: SECONDS,
  rejected_retry: BOOL,
  auth_timeout: SECONDS,
  auth_tries: POSITIVE_INT,
  auth_safemode: BOOL,
  random_reauth_delay: NON_NEGATIVE_NUMBER,
  recon_default: NON_NEGATIVE_NUMBER,
  recon_max: NON_NEGATIVE_NUMBER,
  recon_randomize: BOOL,
  return_retry_timer: SECONDS,
  return_retry_timer_max: SECONDS,
  return_retry_tries: POSITIVE_INT,
  ping_interval: NON_NEGATIVE_NUMBER,
  verify_master_pubkey_sign: BOOL,
  always_verify_signature: BOOL,
  master_sign_key_name: STRING,
  minion_sign_messages: BOOL,
  encryption_algorithm: oneOf(ENCRYPTION_ALGORITHMS),
  signing_algorithm: oneOf(SIGNING_ALGORITHMS),
  enable_legacy_startup_events: BOOL,
  minion_jid_queue_hwm: POSITIVE_INT,
  minion_id_caching: BOOL,
  minion_id_lowercase: BOOL,
  minion_id_remove_domain: {
    constraint: 'True, False or a domain name',
    check: (v) => (typeof v === 'boolean' || typeof v === 'string' ? ok(v) : bad),
  },
  file_client: oneOf(['remote', 'local']),
  use_master_when_local: BOOL,
  pub_ret: BOOL,
  mine_enabled: BOOL,
  mine_interval: NON_NEGATIVE_NUMBER,
  random_startup_delay: NON_NEGATIVE_NUMBER,
  beacons: DICT_OR_NONE,
};

/** Python-like rendering of a bad value for messages: `'abc'`, `12`, `True`, `None`, `[1, 2]`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value)) return `b'${value.toString('latin1')}'`;
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `'${k}': ${describeValue(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** Builds the error for a bad option value; `source` adds "in <file> line <n>". */
export function optionError(
  role: string,
  option: string,
  constraint: string,
  value: unknown,
  source?: OptionSource,
): ConfigError {
  const where = source ? ` in ${source.file} line ${source.line}` : '';
  return new ConfigError(
    `Cannot start ${role} as '${option}' must be ${constraint}: got ${describeValue(value)}${where}`,
    { option, constraint, value, file: source?.file, line: source?.line, column: source?.column },
  );
}

/**
 * Checks the options of `opts` that the `role` daemon relies on and normalises them in place
 * (numeric strings → numbers, `hash_type` lowercased, `nodegroups: None` → `{}`, `base:` → `[]`).
 * Options without a rule, including unknown ones, are kept as they are.
 * @throws ConfigError for the first bad option, naming its file and line from `sources`.
 */
export function validateOpts(
  role: 'master' | 'minion',
  opts: Record<string, unknown>,
  sources: ReadonlyMap<string, OptionSource>,
): void {
  const rules = role === 'master' ? MASTER_RULES : MINION_RULES;
  for (const [option, rule] of Object.entries(rules)) {
    if (!Object.hasOwn(opts, option)) continue;
    const value = opts[option];
    // Salt defers sdb:// values to run time.
    if (typeof value === 'string' && value.startsWith('sdb://')) continue;
    const outcome = rule.check(value);
    if (!outcome.ok) throw optionError(role, option, rule.constraint, value, sources.get(option));
    opts[option] = outcome.value;
  }
}

/** Checks `opts.id` once it is known. @throws ConfigError for an id Salt's `valid_id` refuses. */
export function validateId(role: 'master' | 'minion', opts: Record<string, unknown>, sources: ReadonlyMap<string, OptionSource>): void {
  const outcome = MINION_ID.check(opts.id);
  if (!outcome.ok) throw optionError(role, 'id', MINION_ID.constraint, opts.id, sources.get('id'));
}
