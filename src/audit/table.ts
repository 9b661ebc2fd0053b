/**
 * The audit table: which devices are enabled, persisted behind the barrier (Vault's `core/audit`), and
 * where each device keeps its salt.
 *
 * @module
 */
import type { Storage } from '../storage/view.js'
import { fromUtf8, utf8 } from '../util/encoding.js'
import type { AuditDeviceInfo, AuditTableEntry } from './types.js'

/** The audit table, behind the barrier: readable only while unsealed, as in Vault. */
export const AUDIT_TABLE_PATH = 'core/audit'

/** Prefix of each device's storage view (`audit/<uuid>/`), as Vault lays out audit barrier views. */
export const AUDIT_VIEW_PREFIX = 'audit/'

/** Key of a device's salt inside its view (Vault's `salt.DefaultLocation`). */
export const SALT_KEY = 'salt'

/** Reads the table; empty when none was written yet. */
export async function loadAuditTable(storage: Storage): Promise<AuditTableEntry[]> {
  const raw = await storage.get(AUDIT_TABLE_PATH)
  if (!raw) return []
  const parsed = JSON.parse(fromUtf8(raw)) as { entries?: AuditTableEntry[] | null }
  return (parsed.entries ?? []).map((e) => ({
    table: 'audit',
    path: e.path,
    type: e.type,
    description: e.description ?? '',
    uuid: e.uuid,
    accessor: e.accessor ?? '',
    options: { ...(e.options ?? {}) },
    local: e.local === true,
  }))
}

/** Writes the table. */
export async function saveAuditTable(storage: Storage, entries: readonly AuditTableEntry[]): Promise<void> {
  await storage.put(AUDIT_TABLE_PATH, utf8(JSON.stringify({ type: 'audit', entries })))
}

/** Adds the trailing slash Vault adds to audit paths, strips a leading one. */
export function sanitizeAuditPath(path: string): string {
  let p = path.startsWith('/') ? path.slice(1) : path
  if (!p.endsWith('/')) p += '/'
  return p
}

/** A device as `GET sys/audit` lists it (Go writes the map's keys sorted). */
export function auditDeviceInfo(entry: AuditTableEntry): AuditDeviceInfo {
  return {
    description: entry.description,
    local: entry.local,
    options: { ...entry.options },
    path: entry.path,
    type: entry.type,
  }
}
