import { userInfo } from 'node:os';

/** The user this process runs as (Salt's `salt.utils.user.get_user()`), the default `user` option. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || process.env.LOGNAME || 'root';
  }
}
