/**
 * The operator endpoints: `sys/init`, `sys/seal-status`, `sys/unseal`, `sys/health`, `sys/leader`,
 * `sys/rekey/*`, `sys/rekey-recovery-key/*`, `sys/generate-root/*`. They answer while sealed (some
 * only then), authenticate by key shares rather than tokens, and reply with a bare JSON object, as
 * Vault's HTTP handlers for them do.
 *
 * @module
 */

import type { LogicalResponse } from '../../core/logical.js'
import type { Rekey } from '../../core/rekey.js'
import { VAULT_VERSION } from '../../core/seal-manager.js'
import { decodeKeyShare } from '../../core/shares.js'
import { InvalidRequestError, NotInitializedError, SealedError } from '../../errors.js'
import { FrameworkBackend } from '../../framework/backend.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath } from '../../framework/path.js'
import type { SystemCore } from './core.js'

/** Full request paths served by the operator backend. */
export const OPERATOR_PATHS =
  /^sys\/(init|seal-status|unseal|health|leader|rekey\/(init|update|verify)|rekey-recovery-key\/(init|update|verify)|generate-root\/(attempt|update))$/

const bare = (data: Record<string, unknown> | null, httpStatus?: number): LogicalResponse => ({
  data,
  bare: true,
  ...(httpStatus === undefined ? {} : { httpStatus }),
})
const noContent = (): LogicalResponse => ({ data: null, bare: true, httpStatus: 204 })

/** Builds the operator backend over the core. */
export function createOperatorBackend(core: SystemCore): FrameworkBackend {
  const requireUnsealed = async (): Promise<void> => {
    if (!(await core.sealManager.initialized()))
      throw new InvalidRequestError('server is not yet initialized')
    if (core.barrier.sealed) throw new SealedError()
  }

  const rekeyPaths = (base: string, rekey: Rekey) => [
    definePath({
      pattern: `sys/${base}/init`,
      fields: {
        secret_shares: { type: 'int' },
        secret_threshold: { type: 'int' },
        pgp_keys: { type: 'commaStringSlice' },
        backup: { type: 'bool' },
        require_verification: { type: 'bool' },
      },
      operations: {
        read: async () => {
          await requireUnsealed()
          return bare({ ...(await rekey.status()) })
        },
        update: async (_req, d: FieldData) => {
          await requireUnsealed()
          const status = await rekey.init(
            {
              secret_shares: d.get<number>('secret_shares'),
              secret_threshold: d.get<number>('secret_threshold'),
              pgp_keys: d.get<string[]>('pgp_keys'),
              backup: d.get<boolean>('backup'),
              require_verification: d.get<boolean>('require_verification'),
            },
            core.barrier.sealed,
          )
          return bare({ ...status })
        },
        delete: async () => {
          await requireUnsealed()
          await rekey.cancel()
          return noContent()
        },
      },
      synopsis: 'Starts, reads or cancels a rekey attempt.',
    }),
    definePath({
      pattern: `sys/${base}/update`,
      fields: { key: { type: 'string' }, nonce: { type: 'string' } },
      operations: {
        update: async (_req, d) => {
          const key = decodeKeyShare(d.get<string>('key'))
          await requireUnsealed()
          const result = await rekey.update(key, d.get<string>('nonce'))
          return bare({ ...(result ?? (await rekey.status())) })
        },
      },
      synopsis: 'Submits one current key share to the rekey attempt.',
    }),
    definePath({
      pattern: `sys/${base}/verify`,
      fields: { key: { type: 'string' }, nonce: { type: 'string' } },
      operations: {
        read: async () => {
          await requireUnsealed()
          return bare({ ...(await rekey.verifyStatus()) })
        },
        update: async (_req, d) => {
          const key = decodeKeyShare(d.get<string>('key'))
          await requireUnsealed()
          const result = await rekey.verify(key, d.get<string>('nonce'))
          return bare({ ...(result ?? (await rekey.verifyStatus())) })
        },
        delete: async () => {
          await requireUnsealed()
          return bare({ ...(await rekey.verifyRestart()) })
        },
      },
      synopsis: 'Verifies the new key shares before a rekey takes effect.',
    }),
  ]

  return new FrameworkBackend({
    type: 'system',
    paths: [
      definePath({
        pattern: 'sys/seal-status',
        operations: { read: async () => bare({ ...(await core.status()) }) },
        synopsis: 'The seal status of the vault.',
      }),
      definePath({
        pattern: 'sys/init',
        fields: {
          secret_shares: { type: 'int' },
          secret_threshold: { type: 'int' },
          pgp_keys: { type: 'commaStringSlice' },
          root_token_pgp_key: { type: 'string' },
          stored_shares: { type: 'int' },
          recovery_shares: { type: 'int' },
          recovery_threshold: { type: 'int' },
          recovery_pgp_keys: { type: 'commaStringSlice' },
        },
        operations: {
          read: async () => bare({ initialized: await core.sealManager.initialized() }),
          update: async (_req, d) => {
            const auto = core.sealManager.isAutoUnseal()
            const opt = (name: string): number | undefined => {
              const [v, ok] = d.getOk<number>(name)
              return ok ? v : undefined
            }
            const result = await core.init({
              ...(auto
                ? {
                    recoveryShares: opt('recovery_shares') ?? 0,
                    recoveryThreshold: opt('recovery_threshold') ?? 0,
                  }
                : { secretShares: opt('secret_shares') ?? 0, secretThreshold: opt('secret_threshold') ?? 0 }),
              ...(auto && opt('secret_shares') !== undefined ? { secretShares: opt('secret_shares') } : {}),
              ...(auto && opt('secret_threshold') !== undefined
                ? { secretThreshold: opt('secret_threshold') }
                : {}),
              ...(!auto && opt('recovery_shares') !== undefined
                ? { recoveryShares: opt('recovery_shares') }
                : {}),
              ...(!auto && opt('recovery_threshold') !== undefined
                ? { recoveryThreshold: opt('recovery_threshold') }
                : {}),
              pgpKeys: d.get<string[]>('pgp_keys'),
              rootTokenPgpKey: d.get<string>('root_token_pgp_key'),
            })
            return bare({
              keys: result.keys,
              keys_base64: result.keysBase64,
              ...(result.recoveryKeys
                ? { recovery_keys: result.recoveryKeys, recovery_keys_base64: result.recoveryKeysBase64 }
                : {}),
              root_token: result.rootToken,
            })
          },
        },
        synopsis: 'Initializes a new vault.',
      }),
      definePath({
        pattern: 'sys/unseal',
        fields: { key: { type: 'string' }, reset: { type: 'bool' }, migrate: { type: 'bool' } },
        operations: {
          update: async (_req, d) => {
            if (!(await core.sealManager.initialized())) throw new NotInitializedError()
            if (d.get<boolean>('reset')) {
              if (!core.barrier.sealed) throw new InvalidRequestError('vault is unsealed')
              core.sealManager.resetUnseal()
              return bare({ ...(await core.status()) })
            }
            const raw = d.get<string>('key')
            if (core.sealManager.isAutoUnseal()) {
              await core.submitUnsealKey(undefined)
              return bare({ ...(await core.status()) })
            }
            if (!raw) {
              throw new InvalidRequestError(
                "'key' must be specified in request body as JSON, or 'reset' set to true",
              )
            }
            await core.submitUnsealKey(decodeKeyShare(raw))
            return bare({ ...(await core.status()) })
          },
        },
        synopsis: 'Submits an unseal key share.',
      }),
      definePath({
        pattern: 'sys/health',
        fields: {
          standbyok: { type: 'bool' },
          perfstandbyok: { type: 'bool' },
          activecode: { type: 'int', default: 200 },
          standbycode: { type: 'int', default: 429 },
          drsecondarycode: { type: 'int', default: 472 },
          performancestandbycode: { type: 'int', default: 473 },
          sealedcode: { type: 'int', default: 503 },
          uninitcode: { type: 'int', default: 501 },
        },
        operations: {
          read: async (_req, d) => {
            const status = await core.status()
            const code = !status.initialized
              ? d.get<number>('uninitcode')
              : status.sealed
                ? d.get<number>('sealedcode')
                : d.get<number>('activecode')
            return bare(
              {
                initialized: status.initialized,
                sealed: status.sealed,
                // Vault's core is a standby until it unseals (CreateCore, and sealInternal without HA).
                standby: status.sealed,
                performance_standby: false,
                replication_performance_mode: 'disabled',
                replication_dr_mode: 'disabled',
                server_time_utc: Math.floor(core.clock.now() / 1000),
                version: VAULT_VERSION,
                enterprise: false,
                ...(status.cluster_name
                  ? { cluster_name: status.cluster_name, cluster_id: status.cluster_id }
                  : {}),
                echo_duration_ms: 0,
                clock_skew_ms: 0,
                replication_primary_canary_age_ms: 0,
              },
              code,
            )
          },
        },
        synopsis: 'Health of the vault, as a status code.',
      }),
      definePath({
        pattern: 'sys/leader',
        operations: {
          read: async () => {
            if (core.barrier.sealed) throw new SealedError()
            return bare({
              ha_enabled: false,
              is_self: false,
              active_time: '0001-01-01T00:00:00Z',
              leader_address: '',
              leader_cluster_address: '',
              performance_standby: false,
              performance_standby_last_remote_wal: 0,
            })
          },
        },
        synopsis: 'High-availability status (a single embedded node).',
      }),
      ...rekeyPaths('rekey', core.rekey),
      ...rekeyPaths('rekey-recovery-key', core.rekeyRecovery),
      definePath({
        pattern: 'sys/generate-root/attempt',
        fields: { otp: { type: 'string' }, pgp_key: { type: 'string' } },
        operations: {
          read: async () => {
            await requireUnsealed()
            return bare({ ...(await core.generateRoot.status()) })
          },
          update: async (_req, d) => {
            await requireUnsealed()
            const status = await core.generateRoot.start({
              otp: d.get<string>('otp'),
              pgp_key: d.get<string>('pgp_key'),
            })
            return bare({ ...status })
          },
          delete: async () => {
            await requireUnsealed()
            core.generateRoot.cancel()
            return noContent()
          },
        },
        synopsis: 'Starts, reads or cancels a root token generation.',
      }),
      definePath({
        pattern: 'sys/generate-root/update',
        fields: { key: { type: 'string' }, nonce: { type: 'string' } },
        operations: {
          update: async (_req, d) => {
            const key = decodeKeyShare(d.get<string>('key'))
            await requireUnsealed()
            return bare({ ...(await core.generateRoot.update(key, d.get<string>('nonce'))) })
          },
        },
        synopsis: 'Submits one key share toward a new root token.',
      }),
    ],
  })
}
