/**
 * Vault's template language (`sdk/helper/template`): the default username templates of the plugins,
 * every function, pipelines, and Go's error wording.
 */
import { describe, expect, it } from 'vitest'
import { MYSQL_DEFAULT_USERNAME_TEMPLATE, MYSQL_LEGACY_USERNAME_TEMPLATE } from '../../src/database/mysql.js'
import { POSTGRES_DEFAULT_USERNAME_TEMPLATE } from '../../src/database/postgres.js'
import { formatGoTime, globMatch, StringTemplate, TemplateError } from '../../src/database/template.js'

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5, 678)
const t = (src: string) => new StringTemplate(src, { now: () => NOW, random: (n) => 'R'.repeat(n) })
const meta = { DisplayName: 'token', RoleName: 'readonly' }

describe('username templates', () => {
  it('PostgreSQL default: v-<display 8>-<role 8>-<random 20>-<unix time>, at most 63', () => {
    expect(t(POSTGRES_DEFAULT_USERNAME_TEMPLATE).generate(meta)).toBe(
      `v-token-readonly-${'R'.repeat(20)}-1704164645`,
    )
    const long = t(POSTGRES_DEFAULT_USERNAME_TEMPLATE).generate({
      DisplayName: 'userpass-bobby',
      RoleName: 'analytics-ro',
    })
    expect(long).toBe(`v-userpass-analytic-${'R'.repeat(20)}-1704164645`)
  })

  it('MySQL defaults: 32 characters, legacy 16', () => {
    const u = t(MYSQL_DEFAULT_USERNAME_TEMPLATE).generate({
      DisplayName: 'userpass-bobby',
      RoleName: 'readonly',
    })
    expect(u).toBe(`v-userpass-b-readonly-${'R'.repeat(10)}`)
    expect(u.length).toBe(32)
    expect(t(MYSQL_LEGACY_USERNAME_TEMPLATE).generate(meta)).toBe(`v-read-${'R'.repeat(9)}`)
  })

  it('random draws from base62 on the CSPRNG', () => {
    const out = new StringTemplate('{{random 40}}').generate(meta)
    expect(out).toMatch(/^[0-9A-Za-z]{40}$/)
    expect(new StringTemplate('{{random 40}}').generate(meta)).not.toBe(out)
  })
})

describe('functions', () => {
  it.each([
    ['{{ .RoleName | uppercase }}', 'READONLY'],
    ['{{ "ABC" | lowercase }}', 'abc'],
    ['{{ .DisplayName | replace "o" "0" }}', 't0ken'],
    ['{{ "abc" | sha256 }}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['{{ "hello" | base64 }}', 'aGVsbG8='],
    ['{{ "aGVsbG8=" | decode_base64 }}', 'hello'],
    ['{{ "hi" | hex }}', '6869'],
    ['{{ "6869" | decode_hex }}', 'hi'],
    ['{{ unix_time }}', '1704164645'],
    ['{{ unix_time_millis }}', '1704164645678'],
    ['{{ timestamp "2006-01-02T15:04:05Z07:00" }}', '2024-01-02T03:04:05Z'],
    ['{{ "abcdefghijkl" | truncate 5 }}', 'abcde'],
    ['{{ "abcdefghijklmnop" | truncate_sha256 12 }}', 'abcd' + 'c1bd5d19'], // sha256("efghijklmnop")[:8], checked with Python's hashlib,
    ['{{ "short" | truncate_sha256 12 }}', 'short'],
    ['{{ if glob "read*" .RoleName }}yes{{ else }}no{{ end }}', 'yes'],
    ['{{ if eq .RoleName "x" }}a{{ else if eq .RoleName "readonly" }}b{{ else }}c{{ end }}', 'b'],
    ['a{{- "  b  " -}}c', 'a  b  c'],
    ['x {{- /* comment */ -}} y', 'xy'],
    ['{{ printf "%s-%d-%q-%v" "a" 7 "q" true }}', 'a-7-"q"-true'],
    ['{{ printf "%s" }}', '%!s(MISSING)'],
    ['{{ printf "%05d" 42 }}', '00042'],
    ['{{ (printf "%s_%s" .DisplayName .RoleName) | uppercase }}', 'TOKEN_READONLY'],
  ])('%s → %s', (src, want) => {
    expect(t(src).generate(meta)).toBe(want)
  })

  it('uuid gives a v4 UUID', () => {
    expect(t('{{ uuid }}').generate(meta)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
  })

  it('truncate counts UTF-8 bytes and never cuts a character in half', () => {
    expect(t('{{ "ééé" | truncate 3 }}').generate(meta)).toBe('é')
  })

  it('truncate_sha256 keeps the length and appends 8 hex of the cut part', () => {
    const out = t('{{ "abcdefghijklmnop" | truncate_sha256 12 }}').generate(meta)
    expect(out.length).toBe(12)
  })
})

describe('errors, worded as Go words them', () => {
  it('parse errors', () => {
    expect(() => new StringTemplate('')).toThrow('missing template')
    expect(() => new StringTemplate('{{ nope 1 }}')).toThrow(
      'unable to parse template: template: template:1: function "nope" not defined',
    )
    expect(() => new StringTemplate('{{ if .RoleName }}x')).toThrow(TemplateError)
    expect(() => new StringTemplate('{{ "x" ')).toThrow(/unclosed action/)
  })

  it('execution errors', () => {
    expect(() => t('{{ "x" | truncate 0 }}').generate(meta)).toThrow(
      'unable to apply template: template: template:1: executing "template" at <"x" | truncate 0>: error calling truncate: max length must be > 0 but was 0',
    )
    expect(() => t('{{ .Nope }}').generate(meta)).toThrow(
      "can't evaluate field Nope in type dbplugin.UsernameMetadata",
    )
    expect(() => t('{{ truncate "a" "b" }}').generate(meta)).toThrow(
      'wrong type for value; expected int; got string',
    )
    expect(() => t('{{ truncate 3 }}').generate(meta)).toThrow(
      'wrong number of args for truncate: want 2 got 1',
    )
  })
})

describe('helpers', () => {
  it("formats Go layouts (Vault's expiration format)", () => {
    expect(formatGoTime(NOW, '2006-01-02 15:04:05-0700')).toBe('2024-01-02 03:04:05+0000')
    expect(formatGoTime(NOW, 'Mon Jan _2 15:04:05.000 MST 2006')).toBe('Tue Jan  2 03:04:05.678 UTC 2024')
  })

  it('matches globs as go-glob does', () => {
    expect(globMatch('*', 'anything')).toBe(true)
    expect(globMatch('read*', 'readonly')).toBe(true)
    expect(globMatch('*only', 'readonly')).toBe(true)
    expect(globMatch('r*d*y', 'readonly')).toBe(true)
    expect(globMatch('app-*-ro', 'app-x-rw')).toBe(false)
    expect(globMatch('exact', 'exact')).toBe(true)
    expect(globMatch('exact', 'exactly')).toBe(false)
  })
})
