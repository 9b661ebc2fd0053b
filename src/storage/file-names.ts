/**
 * Key ↔ file-name encoding of the file storage adapter (`file.ts`, whose module comment describes the
 * on-disk layout): segment escaping to `[a-z0-9._-]`, the `v`/`d` prefixes, SHA-256 names for long
 * segments (`hv`/`hd`), and reading names back. Node only (hashing uses `node:crypto`). Not part of the
 * public API.
 *
 * @internal
 * @module
 */
import { createHash } from 'node:crypto'
import { StorageError } from '../errors.js'

const VALUE = 'v'
const DIR = 'd'
const HASHED_VALUE = 'hv'
const HASHED_DIR = 'hd'
/** Longest escaped segment kept readable; longer ones are hashed (names stay well under 255 bytes). */
const MAX_ESCAPED = 200
const ESCAPED = /^(?:[a-z0-9-]|_[0-9a-f]{2}|\.[0-9a-f]{4})*$/
const HASHED_NAME = /^h[vd][0-9a-f]{64}$/

/** A key's place on disk: its directories (outermost first) and its value file. */
export interface DiskPath {
  dirs: { name: string; hashed: boolean; segment: string }[]
  file: string
  hashed: boolean
}

function escapeSegment(segment: string): string {
  let out = ''
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i)
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d) out += segment[i]
    else if (c < 0x100) out += `_${c.toString(16).padStart(2, '0')}`
    else out += `.${c.toString(16).padStart(4, '0')}`
  }
  return out
}

/** The segment an escaped name stands for, or `null` when the name is not one this adapter writes. */
function unescapeSegment(escaped: string): string | null {
  if (escaped.length > MAX_ESCAPED || !ESCAPED.test(escaped)) return null
  const segment = escaped.replace(/_([0-9a-f]{2})|\.([0-9a-f]{4})/g, (_, short?: string, long?: string) =>
    String.fromCharCode(Number.parseInt(short ?? long ?? '', 16)),
  )
  return escapeSegment(segment) === escaped ? segment : null
}

function digest(escaped: string): string {
  return createHash('sha256').update(escaped).digest('hex')
}

/** The on-disk name of `segment` as a value file (`dir = false`) or a directory (`dir = true`). */
export function diskName(segment: string, dir: boolean): { name: string; hashed: boolean } {
  const escaped = escapeSegment(segment)
  if (escaped.length > MAX_ESCAPED)
    return { name: (dir ? HASHED_DIR : HASHED_VALUE) + digest(escaped), hashed: true }
  return { name: (dir ? DIR : VALUE) + escaped, hashed: false }
}

/** The on-disk directories and file name of `key`. */
export function diskPath(key: string): DiskPath {
  const segments = key.split('/')
  const last = segments.pop() ?? ''
  const file = diskName(last, false)
  return {
    dirs: segments.map((segment) => ({ ...diskName(segment, true), segment })),
    file: file.name,
    hashed: file.hashed,
  }
}

/**
 * What a directory entry's name stands for: a value file (`dir = false`) or a directory, with its
 * segment, or `segment: null` for a hashed name (whose segment is stored inside it); `null` for a name
 * this adapter does not write.
 */
export function parseDiskName(name: string): { dir: boolean; segment: string | null } | null {
  if (HASHED_NAME.test(name)) return { dir: name.startsWith(HASHED_DIR), segment: null }
  const segment = unescapeSegment(name.slice(1))
  if (segment === null) return null
  if (name.startsWith(VALUE)) return { dir: false, segment }
  if (name.startsWith(DIR)) return { dir: true, segment }
  return null
}

/** The error for a file of ours that does not parse. */
export function corrupt(what: string): StorageError {
  return new StorageError(`file storage: ${what} is corrupt`)
}

/** Parses a JSON string written by this adapter (a key header or a `.segment` file). */
export function parseName(bytes: Uint8Array, what: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  } catch {
    throw corrupt(what)
  }
  if (typeof parsed !== 'string') throw corrupt(what)
  return parsed
}
