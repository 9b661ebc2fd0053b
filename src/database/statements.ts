/**
 * Statement templates (`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' …`): splitting them
 * into single statements and filling in their `{{placeholders}}` — escaped for where each one stands.
 *
 * Vault substitutes values verbatim (`dbutil.QueryHelper`), so a username template or display name
 * holding a quote could change the SQL. vaultlet scans the template as SQL first and escapes each value
 * for its context, so no value can leave its place:
 *
 * | placeholder stands… | PostgreSQL | MySQL / MariaDB |
 * |---|---|---|
 * | inside `'…'` | `'` → `''` (in `E'…'` also `\` → `\\`) | `\` → `\\`, `'` → `''` |
 * | inside `"…"` | identifier: `"` → `""` | string: `\` → `\\`, `"` → `""` |
 * | inside `` `…` `` | — | identifier: `` ` `` → ``` `` ``` |
 * | inside `$tag$…$tag$` | the body is scanned as SQL in turn; a value containing `$tag$` is refused | — |
 * | bare | `name`/`username` → `"quoted identifier"`, others → `'quoted literal'` | same, with backticks |
 * | in a comment | line breaks and comment delimiters removed | same |
 *
 * A NUL character in a value is refused. Splitting on `;` ignores semicolons inside strings,
 * identifiers, comments and dollar quotes; a PostgreSQL statement containing the keyword `END` (a
 * function body) is run whole, as Vault does.
 *
 * @module
 */
import { DatabaseError } from './plugin.js'

/** How a database quotes things. */
export interface SqlDialect {
  readonly name: 'postgres' | 'mysql'
  /** `true`: backslash escapes in string literals (MySQL unless `NO_BACKSLASH_ESCAPES`). */
  readonly backslashEscapes: boolean
}

/** PostgreSQL with `standard_conforming_strings = on` (the default since 9.1). */
export const POSTGRES_DIALECT: SqlDialect = Object.freeze({ name: 'postgres', backslashEscapes: false })
/** MySQL / MariaDB in the default SQL mode (backslash escapes on). */
export const MYSQL_DIALECT: SqlDialect = Object.freeze({ name: 'mysql', backslashEscapes: true })

/** Placeholders that name a database object (quoted as identifiers when they stand bare). */
export const IDENTIFIER_KEYS: ReadonlySet<string> = new Set(['name', 'username'])

type Segment =
  | { kind: 'code'; text: string }
  | { kind: 'string'; text: string; quote: string; backslash: boolean; prefix: string }
  | { kind: 'ident'; text: string; quote: string }
  | { kind: 'dollar'; text: string; tag: string }
  | { kind: 'comment'; text: string; block: boolean }

const identChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_$]/.test(c)

/** Splits SQL text into code, quoted and comment segments; quotes keep their delimiters. */
function scan(sql: string, dialect: SqlDialect): Segment[] {
  const segs: Segment[] = []
  let code = ''
  const flush = () => {
    if (code) segs.push({ kind: 'code', text: code })
    code = ''
  }
  const pg = dialect.name === 'postgres'
  let i = 0
  while (i < sql.length) {
    const c = sql[i] as string
    const next = sql[i + 1]
    // Comments
    const mysqlDashComment =
      !pg && c === '-' && next === '-' && (i + 2 >= sql.length || /\s/.test(sql[i + 2] as string))
    if ((pg && c === '-' && next === '-') || mysqlDashComment || (!pg && c === '#')) {
      const end = sql.indexOf('\n', i)
      const stop = end < 0 ? sql.length : end
      flush()
      segs.push({ kind: 'comment', text: sql.slice(i, stop), block: false })
      i = stop
      continue
    }
    if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2)
      const stop = end < 0 ? sql.length : end + 2
      flush()
      segs.push({ kind: 'comment', text: sql.slice(i, stop), block: true })
      i = stop
      continue
    }
    // PostgreSQL escape strings: E'…'
    if (pg && (c === 'E' || c === 'e') && next === "'" && !identChar(sql[i - 1])) {
      flush()
      const end = quoted(sql, i + 1, "'", true)
      segs.push({ kind: 'string', text: sql.slice(i, end), quote: "'", backslash: true, prefix: c })
      i = end
      continue
    }
    if (c === "'" || (c === '"' && !pg)) {
      flush()
      const end = quoted(sql, i, c, dialect.backslashEscapes)
      segs.push({
        kind: 'string',
        text: sql.slice(i, end),
        quote: c,
        backslash: dialect.backslashEscapes,
        prefix: '',
      })
      i = end
      continue
    }
    if ((c === '"' && pg) || (c === '`' && !pg)) {
      flush()
      const end = quoted(sql, i, c, false)
      segs.push({ kind: 'ident', text: sql.slice(i, end), quote: c })
      i = end
      continue
    }
    if (pg && c === '$' && !identChar(sql[i - 1])) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))
      if (m) {
        const tag = m[0]
        const close = sql.indexOf(tag, i + tag.length)
        const stop = close < 0 ? sql.length : close + tag.length
        flush()
        segs.push({ kind: 'dollar', text: sql.slice(i, stop), tag })
        i = stop
        continue
      }
    }
    code += c
    i++
  }
  flush()
  return segs
}

/** The index just past the closing `quote` of a quoted run starting at `start` (doubling escapes it). */
function quoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1
  while (i < sql.length) {
    const c = sql[i]
    if (backslash && c === '\\') {
      i += 2
      continue
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2
        continue
      }
      return i + 1
    }
    i++
  }
  return sql.length
}

const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g

function checkValue(value: string): string {
  if (value.includes('\0')) throw new DatabaseError('a statement value contains a NUL character')
  return value
}

/**
 * A value as a quoted identifier of the dialect.
 *
 * @example
 * ```ts
 * quoteIdentifier(POSTGRES_DIALECT, 'we"ird') // '"we""ird"'
 * quoteIdentifier(MYSQL_DIALECT, 'we`ird')    // '`we``ird`'
 * ```
 */
export function quoteIdentifier(dialect: SqlDialect, value: string): string {
  checkValue(value)
  return dialect.name === 'postgres'
    ? `"${value.replaceAll('"', '""')}"`
    : `\`${value.replaceAll('`', '``')}\``
}

/**
 * A value as a quoted string literal of the dialect.
 *
 * @example
 * ```ts
 * quoteLiteral(POSTGRES_DIALECT, "it's") // "'it''s'"
 * ```
 */
export function quoteLiteral(dialect: SqlDialect, value: string): string {
  return `'${escapeInString(value, "'", dialect.backslashEscapes)}'`
}

function escapeInString(value: string, quote: string, backslash: boolean): string {
  let v = checkValue(value)
  if (backslash) v = v.replaceAll('\\', '\\\\')
  return v.replaceAll(quote, quote + quote)
}

function fill(
  text: string,
  values: Readonly<Record<string, string>>,
  esc: (key: string, v: string) => string,
): string {
  return text.replace(PLACEHOLDER, (whole, key: string) =>
    Object.hasOwn(values, key) ? esc(key, values[key] as string) : whole,
  )
}

/**
 * Fills a statement template's placeholders, each escaped for its context (see the module notes).
 * Unknown placeholders stay as written.
 *
 * @example
 * ```ts
 * renderStatement(`CREATE ROLE "{{name}}" PASSWORD '{{password}}'`, { name: 'a"b', password: "p'w" }, POSTGRES_DIALECT)
 * // `CREATE ROLE "a""b" PASSWORD 'p''w'`
 * renderStatement('DROP ROLE {{name}}', { name: 'v-x' }, POSTGRES_DIALECT) // 'DROP ROLE "v-x"'
 * ```
 * @throws {DatabaseError} when a value holds a NUL character or would close a dollar quote.
 */
export function renderStatement(
  template: string,
  values: Readonly<Record<string, string>>,
  dialect: SqlDialect,
): string {
  let out = ''
  for (const seg of scan(template, dialect)) {
    switch (seg.kind) {
      case 'code':
        out += fill(seg.text, values, (k, v) =>
          IDENTIFIER_KEYS.has(k) ? quoteIdentifier(dialect, v) : quoteLiteral(dialect, v),
        )
        break
      case 'string':
        out += fill(seg.text, values, (_k, v) => escapeInString(v, seg.quote, seg.backslash))
        break
      case 'ident':
        out += fill(seg.text, values, (_k, v) => checkValue(v).replaceAll(seg.quote, seg.quote + seg.quote))
        break
      case 'comment':
        out += fill(seg.text, values, (_k, v) =>
          checkValue(v)
            .replace(/[\r\n]/g, ' ')
            .replaceAll('*/', '* /')
            .replaceAll('/*', '/ *'),
        )
        break
      case 'dollar': {
        const closed = seg.text.length >= seg.tag.length * 2 && seg.text.endsWith(seg.tag)
        const body = seg.text.slice(seg.tag.length, closed ? -seg.tag.length : undefined)
        const rendered = renderStatement(body, values, dialect)
        if ((rendered + seg.tag).indexOf(seg.tag) !== rendered.length) {
          throw new DatabaseError('a statement value would end a dollar-quoted string')
        }
        out += seg.tag + rendered + (closed ? seg.tag : '')
        break
      }
    }
  }
  return out
}

/**
 * Splits one element of a statements list into single statements at top-level `;` (Vault's
 * `ParseArbitraryStringSlice(stmt, ";")`, minus its blind spot for quoted semicolons), trimmed, empty
 * ones dropped. A PostgreSQL element containing the keyword `END` outside quotes is returned whole
 * (Vault's `containsMultilineStatement`).
 *
 * @example
 * ```ts
 * splitStatements(`CREATE ROLE "{{name}}"; GRANT SELECT ON t TO "{{name}}";`, POSTGRES_DIALECT)
 * // ['CREATE ROLE "{{name}}"', 'GRANT SELECT ON t TO "{{name}}"']
 * ```
 */
export function splitStatements(stmt: string, dialect: SqlDialect): string[] {
  const segs = scan(stmt, dialect)
  if (dialect.name === 'postgres' && segs.some((s) => s.kind === 'code' && /\bEND\b/.test(s.text))) {
    const whole = stmt.trim()
    return whole === '' ? [] : [whole]
  }
  const out: string[] = []
  let cur = ''
  for (const seg of segs) {
    if (seg.kind !== 'code') {
      cur += seg.text
      continue
    }
    const parts = seg.text.split(';')
    cur += parts[0]
    for (const part of parts.slice(1)) {
      out.push(cur)
      cur = part
    }
  }
  out.push(cur)
  return out.map((s) => s.trim()).filter((s) => s !== '')
}

/**
 * The statements of a list, split and rendered, in order.
 *
 * @example
 * ```ts
 * renderStatements(['CREATE USER \'{{name}}\'@\'%\'; GRANT SELECT ON db.* TO \'{{name}}\'@\'%\''], { name: 'v-x' }, MYSQL_DIALECT)
 * ```
 */
export function renderStatements(
  commands: readonly string[],
  values: Readonly<Record<string, string>>,
  dialect: SqlDialect,
): string[] {
  return commands.flatMap((c) => splitStatements(c, dialect)).map((q) => renderStatement(q, values, dialect))
}
