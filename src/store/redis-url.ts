/** The one way a Redis URL is shown to a person: its user-info (user and password) hidden. */

/**
 * `rediss://user:secret@host:6380/0` → `rediss://***@host:6380/0`; a URL without user-info is
 * unchanged. A Sentinel URL's `sentinelPassword=` is hidden too.
 */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/[^/]*@/, '//***@').replace(/([?&]sentinelPassword=)[^&#]*/, '$1***');
}
