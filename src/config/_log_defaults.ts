/** Salt's default log formats (`salt/_logging`), shared by the master and minion defaults. */
export const DFLT_LOG_DATEFMT = '%H:%M:%S';
export const DFLT_LOG_DATEFMT_LOGFILE = '%Y-%m-%d %H:%M:%S';
export const DFLT_LOG_FMT_CONSOLE = '[%(levelname)-8s] %(message)s';
export const DFLT_LOG_FMT_LOGFILE =
  '%(asctime)s,%(msecs)03d [%(name)-17s:%(lineno)-4d][%(levelname)-8s][%(process)d] %(message)s';
export const DFLT_LOG_FMT_JID = '[JID: %(jid)s]';
export const DFLT_REFSPECS = ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'];
export const DEFAULT_INTERVAL = 60;
export const DEFAULT_HASH_TYPE = 'sha256';
