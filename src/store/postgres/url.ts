// PostgreSQL connection URLs: checked before anything connects, and shown in messages without
// their password (the one part of a DATABASE_URL that must never reach a log).

/** The problem with a connection URL, in words that never repeat the URL or its password; null when it is usable. */
export function databaseUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a URL (expected postgres://user:password@host:5432/database; percent-encode characters such as @ # / ? % in the user or password)';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    return `the scheme is "${url.protocol.replace(/:$/, '')}", expected postgres:// or postgresql://`;
  }
  // postgres:///db?host=/run/postgresql connects over a Unix socket: no host in the authority.
  if (url.hostname === '' && !url.searchParams.has('host')) return 'no host (expected postgres://user:password@host:5432/database)';
  const database = decodeURIComponentSafe(url.pathname.replace(/^\//, ''));
  if (database === null) return 'the database name is not valid percent-encoding';
  if (database === '' && !url.searchParams.has('dbname')) return 'no database name after the host (expected …@host:5432/database)';
  if (url.username !== '' && decodeURIComponentSafe(url.username) === null) return 'the user name is not valid percent-encoding';
  if (url.password !== '' && decodeURIComponentSafe(url.password) === null) return 'the password is not valid percent-encoding';
  return null;
}

/** The URL as it may be logged: scheme, user, host, port and database; never the password or the query. */
export function redactDatabaseUrl(value: string): string {
  try {
    const url = new URL(value);
    const user = url.username === '' ? '' : `${url.username}@`;
    const host = url.hostname === '' ? (url.searchParams.get('host') ?? '') : url.host;
    return `${url.protocol}//${user}${host}${url.pathname}`;
  } catch {
    return '(an unparseable URL)';
  }
}

function decodeURIComponentSafe(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
