/**
 * Statement templates: splitting, and placeholders escaped for where they stand — so a username
 * template, display name, role name or password can never change the SQL.
 */
import { describe, expect, it } from 'vitest'
import {
  MYSQL_DIALECT,
  POSTGRES_DIALECT,
  quoteIdentifier,
  quoteLiteral,
  renderStatement,
  renderStatements,
  splitStatements,
} from '../../src/database/statements.js'

const EVIL = `x"; DROP TABLE users; --'\``

describe('PostgreSQL', () => {
  const r = (sql: string, values: Record<string, string>) => renderStatement(sql, values, POSTGRES_DIALECT)

  it('escapes inside identifiers and literals', () => {
    expect(r(`CREATE ROLE "{{name}}" PASSWORD '{{password}}'`, { name: 'a"b', password: "p'w" })).toBe(
      `CREATE ROLE "a""b" PASSWORD 'p''w'`,
    )
    // Backslashes are plain characters in standard strings, escaped in E'' strings.
    expect(r(`SELECT '{{password}}', E'{{password}}'`, { password: "a\\b'" })).toBe(
      `SELECT 'a\\b''', E'a\\\\b'''`,
    )
  })

  it('quotes bare placeholders: names as identifiers, other values as literals', () => {
    expect(r('DROP ROLE IF EXISTS {{name}}', { name: EVIL })).toBe(
      `DROP ROLE IF EXISTS "x""; DROP TABLE users; --'\`"`,
    )
    expect(r('ALTER ROLE x VALID UNTIL {{expiration}}', { expiration: "2024'" })).toBe(
      `ALTER ROLE x VALID UNTIL '2024'''`,
    )
  })

  it('keeps an injection attempt inside its quotes, and the statement count at one', () => {
    const sql = r(`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}'`, { name: EVIL, password: EVIL })
    expect(splitStatements(sql, POSTGRES_DIALECT)).toHaveLength(1)
  })

  it('scans dollar-quoted bodies as SQL and refuses values that would close them', () => {
    const body = `DO $$ BEGIN CREATE ROLE "{{name}}" PASSWORD '{{password}}'; END $$`
    expect(r(body, { name: 'a"b', password: "p'" })).toBe(
      `DO $$ BEGIN CREATE ROLE "a""b" PASSWORD 'p'''; END $$`,
    )
    expect(() =>
      r(`DO $$ BEGIN PERFORM '{{password}}'; END $$`, { password: 'x$$; DROP TABLE t; $$' }),
    ).toThrow('dollar-quoted')
    // A `$` inside the body's quotes cannot meet the closing tag: accepted.
    expect(r(`DO $$ BEGIN PERFORM '{{password}}'; END $$`, { password: 'trailing$' })).toContain(
      `'trailing$'`,
    )
  })

  it('neutralises placeholders in comments and refuses NUL', () => {
    expect(r('SELECT 1 -- {{name}}', { name: 'a\nDROP TABLE t' })).toBe('SELECT 1 -- a DROP TABLE t')
    expect(r('SELECT 1 /* {{name}} */', { name: '*/ DROP TABLE t /*' })).toBe(
      'SELECT 1 /* * / DROP TABLE t / * */',
    )
    expect(() => r(`SELECT '{{name}}'`, { name: 'a\0b' })).toThrow('NUL')
  })

  it('leaves unknown placeholders as written', () => {
    expect(r(`SELECT '{{other}}'`, { name: 'x' })).toBe(`SELECT '{{other}}'`)
  })

  it('splits on top-level semicolons only; keeps bodies with END whole, as Vault', () => {
    expect(
      splitStatements(`CREATE ROLE "{{name}}"; GRANT SELECT ON t TO "{{name}}";`, POSTGRES_DIALECT),
    ).toEqual(['CREATE ROLE "{{name}}"', 'GRANT SELECT ON t TO "{{name}}"'])
    expect(splitStatements(`SELECT 'a;b'; SELECT "c;d"; SELECT $$e;f$$`, POSTGRES_DIALECT)).toEqual([
      "SELECT 'a;b'",
      'SELECT "c;d"',
      'SELECT $$e;f$$',
    ])
    const fn = 'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;'
    expect(splitStatements(fn, POSTGRES_DIALECT)).toEqual([fn])
    expect(splitStatements(' ; ;', POSTGRES_DIALECT)).toEqual([])
  })
})

describe('MySQL', () => {
  const r = (sql: string, values: Record<string, string>) => renderStatement(sql, values, MYSQL_DIALECT)

  it('escapes quotes and backslashes in strings, backticks in identifiers', () => {
    expect(
      r(`CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'`, { name: "a'b", password: 'p\\' }),
    ).toBe(`CREATE USER 'a''b'@'%' IDENTIFIED BY 'p\\\\'`)
    expect(r(`GRANT SELECT ON db.* TO "{{name}}"`, { name: 'a"b\\' })).toBe(
      `GRANT SELECT ON db.* TO "a""b\\\\"`,
    )
    expect(r('SELECT `{{name}}`', { name: 'a`b' })).toBe('SELECT `a``b`')
    expect(r('DROP USER {{name}}', { name: 'a`b' })).toBe('DROP USER `a``b`')
  })

  it('without backslash escapes (NO_BACKSLASH_ESCAPES) only doubles quotes', () => {
    const d = { ...MYSQL_DIALECT, backslashEscapes: false }
    expect(renderStatement(`SELECT '{{password}}'`, { password: "a\\'" }, d)).toBe(`SELECT 'a\\'''`)
  })

  it('knows MySQL comments: # and "-- " but not "--x"', () => {
    expect(r('SELECT 1 # {{name}}', { name: 'a\nb' })).toBe('SELECT 1 # a b')
    expect(r('SELECT 1--{{name}}', { name: 'a' })).toBe('SELECT 1--`a`')
  })

  it('splits statement lists', () => {
    expect(
      renderStatements(
        [`CREATE USER '{{name}}'@'%'; GRANT SELECT ON db.* TO '{{name}}'@'%'`],
        { name: "v';x" },
        MYSQL_DIALECT,
      ),
    ).toEqual([`CREATE USER 'v'';x'@'%'`, `GRANT SELECT ON db.* TO 'v'';x'@'%'`])
  })
})

describe('quoting helpers', () => {
  it('quote identifiers and literals', () => {
    expect(quoteIdentifier(POSTGRES_DIALECT, 'a"b')).toBe('"a""b"')
    expect(quoteIdentifier(MYSQL_DIALECT, 'a`b')).toBe('`a``b`')
    expect(quoteLiteral(POSTGRES_DIALECT, "it's")).toBe("'it''s'")
    expect(quoteLiteral(MYSQL_DIALECT, "it's\\")).toBe("'it''s\\\\'")
  })
})
