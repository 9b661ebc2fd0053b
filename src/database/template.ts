/**
 * String templates in Vault's template language (`sdk/helper/template`, which is Go's `text/template`
 * with Vault's functions), as database plugins use them to make usernames:
 *
 * ```
 * {{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}
 * ```
 *
 * Covered from Go's language: text and `{{ … }}` actions with `{{-`/`-}}` trimming and `{{/* … *\/}}`
 * comments; pipelines `a | f x` (the piped value is the last argument); parenthesised sub-pipelines;
 * fields of the data (`.DisplayName`), `.` itself; string (`"…"` with Go escapes, and `` `raw` ``),
 * number and boolean literals; `if` / `else if` / `else` / `end`. Built-ins: `printf` (`%s %v %d %q %x
 * %X %%`), `print`, `len`, `eq`, `ne`, `not`, `and`, `or`. Vault's functions: `random`, `truncate`,
 * `truncate_sha256`, `uppercase`, `lowercase`, `replace`, `sha256`, `base64`, `decode_base64`, `hex`,
 * `decode_hex`, `unix_time`, `unix_time_millis`, `timestamp` (a Go layout), `uuid`, `glob`.
 *
 * Lengths count UTF-8 bytes, as in Go; `truncate` never cuts a character in half (Go would leave an
 * invalid byte sequence, which no database accepts as a name anyway).
 *
 * @module
 */
import {
  type Env,
  type Fn,
  FUNCS,
  formatValue,
  goTypeOf,
  type ParamKind,
  randomBase62,
  TemplateError,
  truthy,
  type Value,
} from './template-funcs.js'

export { formatGoTime, globMatch, TemplateError } from './template-funcs.js'

/** Data a username template sees (Vault's `dbplugin.UsernameMetadata`). */
export interface UsernameMetadata {
  DisplayName: string
  RoleName: string
}

type Operand =
  | { kind: 'field'; path: string[] }
  | { kind: 'dot' }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'ident'; name: string }
  | { kind: 'pipe'; pipeline: Pipeline }

type Command = Operand[]
type Pipeline = { commands: Command[]; text: string }

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Pipeline; line: number }
  | { kind: 'if'; branches: Array<{ cond: Pipeline; body: Node[] }>; otherwise: Node[]; line: number }

// ---------------------------------------------------------------------------------------------------
// Parsing

type Tok =
  | { t: 'lparen' | 'rparen' | 'pipe' }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'field'; path: string[] }
  | { t: 'dot' }
  | { t: 'ident'; v: string }

const parseError = (line: number, message: string): TemplateError =>
  new TemplateError(`template: template:${line}: ${message}`)

function unquoteGo(body: string, line: number): string {
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c !== '\\') {
      out += c
      continue
    }
    const n = body[++i]
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      '"': '"',
      "'": "'",
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    }
    if (n !== undefined && simple[n] !== undefined) {
      out += simple[n]
      continue
    }
    const hexLen = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0
    if (hexLen > 0) {
      const hex = body.slice(i + 1, i + 1 + hexLen)
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLen) throw parseError(line, 'invalid syntax')
      out += String.fromCodePoint(Number.parseInt(hex, 16))
      i += hexLen
      continue
    }
    throw parseError(line, 'invalid syntax')
  }
  return out
}

function lexAction(src: string, line: number): Tok[] {
  const toks: Tok[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i] as string
    if (/\s/.test(c)) {
      i++
    } else if (c === '(') {
      toks.push({ t: 'lparen' })
      i++
    } else if (c === ')') {
      toks.push({ t: 'rparen' })
      i++
    } else if (c === '|') {
      toks.push({ t: 'pipe' })
      i++
    } else if (c === '"') {
      let j = i + 1
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1
      if (j >= src.length) throw parseError(line, 'unterminated quoted string')
      toks.push({ t: 'string', v: unquoteGo(src.slice(i + 1, j), line) })
      i = j + 1
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1)
      if (j < 0) throw parseError(line, 'unterminated raw quoted string')
      toks.push({ t: 'string', v: src.slice(i + 1, j) })
      i = j + 1
    } else if (/[0-9+-]/.test(c)) {
      const m = /^[+-]?(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?)/.exec(src.slice(i))
      if (!m) throw parseError(line, `bad number syntax: "${c}"`)
      toks.push({ t: 'number', v: Number(m[0]) })
      i += m[0].length
    } else if (c === '.') {
      const m = /^(\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(src.slice(i))
      if (m) {
        toks.push({ t: 'field', path: m[0].slice(1).split('.') })
        i += m[0].length
      } else {
        toks.push({ t: 'dot' })
        i++
      }
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray
      toks.push({ t: 'ident', v: m[0] })
      i += m[0].length
    } else if (c === '$') {
      throw parseError(line, 'variables are not supported')
    } else {
      throw parseError(line, `unexpected ${JSON.stringify(c)} in command`)
    }
  }
  return toks
}

class ActionParser {
  #i = 0
  constructor(
    private readonly toks: Tok[],
    private readonly line: number,
    private readonly text: string,
  ) {}

  pipeline(stopAtRparen = false): Pipeline {
    const commands: Command[] = []
    let cmd: Command = []
    for (;;) {
      const tok = this.toks[this.#i]
      if (tok === undefined || (stopAtRparen && tok.t === 'rparen')) break
      this.#i++
      switch (tok.t) {
        case 'pipe':
          if (cmd.length === 0) throw parseError(this.line, 'missing command')
          commands.push(cmd)
          cmd = []
          break
        case 'lparen': {
          const inner = this.pipeline(true)
          if (this.toks[this.#i]?.t !== 'rparen') throw parseError(this.line, 'unclosed left paren')
          this.#i++
          cmd.push({ kind: 'pipe', pipeline: inner })
          break
        }
        case 'rparen':
          throw parseError(this.line, 'unexpected right paren')
        case 'string':
          cmd.push({ kind: 'string', value: tok.v })
          break
        case 'number':
          cmd.push({ kind: 'number', value: tok.v })
          break
        case 'field':
          cmd.push({ kind: 'field', path: tok.path })
          break
        case 'dot':
          cmd.push({ kind: 'dot' })
          break
        case 'ident':
          if (tok.v === 'true' || tok.v === 'false') cmd.push({ kind: 'bool', value: tok.v === 'true' })
          else if (tok.v === 'nil') cmd.push({ kind: 'nil' })
          else {
            if (!(tok.v in FUNCS)) throw parseError(this.line, `function "${tok.v}" not defined`)
            cmd.push({ kind: 'ident', name: tok.v })
          }
          break
      }
    }
    if (cmd.length === 0)
      throw parseError(this.line, commands.length ? 'missing command' : 'missing value for command')
    commands.push(cmd)
    return { commands, text: this.text }
  }

  done(): boolean {
    return this.#i >= this.toks.length
  }
}

function parseTemplate(src: string): Node[] {
  // Split into text and actions, applying trim markers.
  type Piece = { kind: 'text'; text: string } | { kind: 'action'; body: string; line: number }
  const pieces: Piece[] = []
  let i = 0
  let line = 1
  let trimNext = false
  while (i < src.length) {
    const open = src.indexOf('{{', i)
    let text = open < 0 ? src.slice(i) : src.slice(i, open)
    if (trimNext) text = text.replace(/^\s+/, '')
    trimNext = false
    if (open < 0) {
      if (text) pieces.push({ kind: 'text', text })
      break
    }
    let start = open + 2
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '')
      start += 1
    }
    if (text) pieces.push({ kind: 'text', text })
    line += (src.slice(i, open).match(/\n/g) ?? []).length
    let close: number
    if (src.slice(start).trimStart().startsWith('/*')) {
      const endComment = src.indexOf('*/', start)
      if (endComment < 0) throw parseError(line, 'unclosed comment')
      close = src.indexOf('}}', endComment)
      if (close < 0) throw parseError(line, 'unclosed comment')
    } else {
      close = findClose(src, start, line)
    }
    let body = src.slice(start, close)
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1)
      trimNext = true
    }
    if (!body.trimStart().startsWith('/*')) pieces.push({ kind: 'action', body, line })
    line += (body.match(/\n/g) ?? []).length
    i = close + 2
  }

  // Build the tree (if / else / end).
  let p = 0
  const block = (inIf: boolean): { nodes: Node[]; end: 'end' | 'else' | 'eof'; elseBody?: string } => {
    const nodes: Node[] = []
    while (p < pieces.length) {
      const piece = pieces[p++] as Piece
      if (piece.kind === 'text') {
        nodes.push({ kind: 'text', text: piece.text })
        continue
      }
      const trimmed = piece.body.trim()
      const word = /^[A-Za-z]+/.exec(trimmed)?.[0]
      if (word === 'end' || word === 'else') {
        if (!inIf) throw parseError(piece.line, `unexpected {{${word}}}`)
        return { nodes, end: word, elseBody: trimmed.slice(word.length) }
      }
      if (word === 'if') {
        nodes.push(ifNode(trimmed.slice(2), piece.line))
        continue
      }
      if (
        word === 'range' ||
        word === 'with' ||
        word === 'define' ||
        word === 'template' ||
        word === 'block'
      ) {
        throw parseError(piece.line, `{{${word}}} is not supported in this template language`)
      }
      nodes.push({ kind: 'action', pipeline: pipelineOf(trimmed, piece.line), line: piece.line })
    }
    if (inIf)
      throw parseError(
        pieces.at(-1)?.kind === 'action' ? (pieces.at(-1) as { line: number }).line : line,
        'unexpected EOF',
      )
    return { nodes, end: 'eof' }
  }
  const ifNode = (cond: string, ln: number): Node => {
    const branches: Array<{ cond: Pipeline; body: Node[] }> = []
    let condText = cond
    let otherwise: Node[] = []
    for (;;) {
      const r = block(true)
      branches.push({ cond: pipelineOf(condText, ln), body: r.nodes })
      if (r.end === 'end') break
      const rest = (r.elseBody ?? '').trim()
      if (rest.startsWith('if ') || rest.startsWith('if\t')) {
        condText = rest.slice(2)
        continue
      }
      if (rest !== '') throw parseError(ln, 'unexpected tokens after else')
      const tail = block(true)
      if (tail.end !== 'end') throw parseError(ln, 'expected end; found else')
      otherwise = tail.nodes
      break
    }
    return { kind: 'if', branches, otherwise, line: ln }
  }
  const top = block(false)
  return top.nodes
}

function findClose(src: string, start: number, line: number): number {
  let i = start
  while (i < src.length) {
    const c = src[i]
    if (c === '"') {
      i++
      while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1
      i++
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1)
      i = j < 0 ? src.length : j + 1
    } else if (src.startsWith('}}', i)) {
      return i
    } else i++
  }
  throw parseError(line, 'unclosed action')
}

function pipelineOf(text: string, line: number): Pipeline {
  const toks = lexAction(text, line)
  if (toks.length === 0) throw parseError(line, 'missing value for command')
  const parser = new ActionParser(toks, line, text.trim())
  const pipeline = parser.pipeline()
  if (!parser.done()) throw parseError(line, 'unexpected right paren')
  return pipeline
}

// ---------------------------------------------------------------------------------------------------
// Execution

function execError(line: number, at: string, message: string): TemplateError {
  return new TemplateError(`template: template:${line}: executing "template" at <${at}>: ${message}`)
}

function convert(v: Value, kind: ParamKind, fn: string, line: number, at: string): Value {
  if (kind === 'any') return v
  if (kind === 'int') {
    if (typeof v === 'number' && Number.isInteger(v)) return v
    throw execError(line, at, `wrong type for value; expected int; got ${goTypeOf(v)}`)
  }
  if (typeof v === 'string') return v
  throw execError(line, at, `wrong type for value; expected string; got ${goTypeOf(v)} (calling ${fn})`)
}

class Executor {
  constructor(
    private readonly data: Record<string, unknown>,
    private readonly env: Env,
    private readonly typeName: string,
  ) {}

  nodes(nodes: Node[]): string {
    let out = ''
    for (const n of nodes) {
      if (n.kind === 'text') out += n.text
      else if (n.kind === 'action') out += formatValue(this.pipeline(n.pipeline, n.line))
      else {
        const branch = n.branches.find((b) => truthy(this.pipeline(b.cond, n.line)))
        out += this.nodes(branch ? branch.body : n.otherwise)
      }
    }
    return out
  }

  pipeline(p: Pipeline, line: number): Value {
    let piped: Value | undefined
    for (const cmd of p.commands) piped = this.command(cmd, piped, line, p.text)
    return piped ?? null
  }

  operand(op: Operand, line: number, at: string): Value {
    switch (op.kind) {
      case 'string':
      case 'number':
      case 'bool':
        return op.value
      case 'nil':
        return null
      case 'dot':
        return this.data as Record<string, unknown>
      case 'field': {
        let cur: unknown = this.data
        for (const name of op.path) {
          if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, name)) {
            throw execError(
              line,
              `.${op.path.join('.')}`,
              `can't evaluate field ${name} in type ${this.typeName}`,
            )
          }
          cur = (cur as Record<string, unknown>)[name]
        }
        return (cur ?? null) as Value
      }
      case 'pipe':
        return this.pipeline(op.pipeline, line)
      case 'ident':
        return this.call(op.name, [], line, at)
    }
  }

  command(cmd: Command, piped: Value | undefined, line: number, at: string): Value {
    const [first, ...rest] = cmd
    if (first?.kind === 'ident') {
      const args = rest.map((o) => this.operand(o, line, at))
      if (piped !== undefined) args.push(piped)
      return this.call(first.name, args, line, at)
    }
    if (rest.length > 0 || piped !== undefined) {
      throw execError(line, at, `can't give argument to non-function ${first ? describe(first) : ''}`)
    }
    return this.operand(first as Operand, line, at)
  }

  call(name: string, args: Value[], line: number, at: string): Value {
    const fn = FUNCS[name] as Fn
    const fixed = fn.params.length
    if (fn.variadic ? args.length < fixed : args.length !== fixed) {
      throw execError(
        line,
        `${name}`,
        `wrong number of args for ${name}: want ${fn.variadic ? `at least ${fixed}` : fixed} got ${args.length}`,
      )
    }
    const converted = args.map((a, i) =>
      convert(a, (i < fixed ? fn.params[i] : fn.variadic) as ParamKind, name, line, at),
    )
    try {
      return fn.call(converted, this.env)
    } catch (e) {
      if (e instanceof TemplateError && e.message.startsWith('template:')) throw e
      throw execError(line, at, `error calling ${name}: ${(e as Error).message}`)
    }
  }
}

function describe(op: Operand): string {
  switch (op.kind) {
    case 'string':
      return JSON.stringify(op.value)
    case 'field':
      return `.${op.path.join('.')}`
    case 'number':
    case 'bool':
      return String(op.value)
    default:
      return op.kind
  }
}

/** Options of a {@link StringTemplate}. */
export interface StringTemplateOptions {
  /** The time source of `unix_time`, `unix_time_millis` and `timestamp` (ms). Default `Date.now`. */
  now?: () => number
  /** Random base62 characters for `random` (default: the platform CSPRNG). */
  random?: (length: number) => string
  /** Go type name shown in field errors. Default `dbplugin.UsernameMetadata`. */
  typeName?: string
}

/**
 * A parsed template (Vault's `template.StringTemplate`).
 *
 * @example
 * ```ts
 * const t = new StringTemplate('{{ printf "v-%s-%s" (.RoleName | truncate 4) (random 8) }}')
 * t.generate({ DisplayName: 'token', RoleName: 'readonly' }) // 'v-read-Ab3dE9xZ'
 * ```
 * @throws {TemplateError} `missing template`, or `unable to parse template: template: template:1: …`.
 */
export class StringTemplate {
  readonly source: string
  readonly #nodes: Node[]
  readonly #env: Env
  readonly #typeName: string

  constructor(source: string, options: StringTemplateOptions = {}) {
    if (source === '') throw new TemplateError('missing template')
    this.source = source
    try {
      this.#nodes = parseTemplate(source)
    } catch (e) {
      throw new TemplateError(`unable to parse template: ${(e as Error).message}`)
    }
    this.#env = { now: options.now ?? Date.now, random: options.random ?? randomBase62 }
    this.#typeName = options.typeName ?? 'dbplugin.UsernameMetadata'
  }

  /**
   * Executes the template over `data`.
   *
   * @throws {TemplateError} `unable to apply template: template: template:1: executing "template" at <…>: …`.
   */
  generate(data: Record<string, unknown> | UsernameMetadata): string {
    try {
      return new Executor(data as unknown as Record<string, unknown>, this.#env, this.#typeName).nodes(
        this.#nodes,
      )
    } catch (e) {
      throw new TemplateError(`unable to apply template: ${(e as Error).message}`)
    }
  }
}
