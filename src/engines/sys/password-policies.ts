/**
 * `sys/policies/password/*` (api-docs/system/policies-password): named password policies that secrets
 * engines draw generated passwords from (the database engine's `password_policy`).
 *
 * - `LIST policies/password` — the policy names;
 * - `POST policies/password/:name {policy}` — HCL text, optionally base64-encoded; checked before it is
 *   stored (length 4–100, rules satisfiable) → 204;
 * - `GET policies/password/:name` → `{policy}`; `DELETE` → 204;
 * - `GET policies/password/:name/generate` → `{password}`.
 *
 * The language and generator live in `core/password-policy.ts`.
 *
 * @module
 */
import {
  checkPasswordPolicyText,
  generatePassword,
  type PasswordPolicy,
  parsePasswordPolicy,
  passwordPolicyKey,
  readPasswordPolicy,
  writePasswordPolicy,
} from '../../core/password-policy.js'
import { InvalidRequestError, NotFoundError, VaultError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import type { Storage } from '../../storage/view.js'

/** A 500 carrying its message (Vault's `CodedError(500, …)`). */
function internal(message: string): VaultError {
  return new VaultError('ERR_INTERNAL', 500, message, { errors: [message] })
}

function policyName(d: { get<T>(n: string): T }): string {
  const name = d.get<string>('name')
  if (name === '') throw new InvalidRequestError('missing policy name')
  return name
}

async function stored(storage: Storage, name: string): Promise<string> {
  let text: string | null
  try {
    text = await readPasswordPolicy(storage, name)
  } catch {
    throw internal('failed to retrieve password policy')
  }
  if (text === null) throw new NotFoundError('policy does not exist')
  return text
}

/** Every key below `prefix`, recursively (Vault's `CollectKeysWithPrefix`), relative to `prefix`. */
async function collect(storage: Storage, prefix: string, sub = ''): Promise<string[]> {
  const out: string[] = []
  for (const k of await storage.list(prefix + sub)) {
    if (k.endsWith('/')) out.push(...(await collect(storage, prefix, sub + k)))
    else out.push(sub + k)
  }
  return out
}

/**
 * The paths of `sys/policies/password/*`, over the system backend's storage (policies live at
 * `password_policy/<name>` in it, as in Vault). Register them in the `sys` backend.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'system', paths: [...passwordPolicyPaths(sysStorage), ...otherPaths] })
 * await vault.request({ method: 'POST', path: 'sys/policies/password/db', data: { policy: 'length = 24\nrule "charset" { charset = "abcdefghij0123456789" }' }, token })
 * await vault.request({ method: 'GET', path: 'sys/policies/password/db/generate', token }) // { data: { password: '…' } }
 * ```
 */
export function passwordPolicyPaths(storage: Storage): PathDefinition[] {
  const name = { type: 'string' as const, description: 'The name of the password policy.' }
  return [
    definePath({
      pattern: 'policies/password/?$',
      operations: {
        list: {
          handler: async () => ({ data: { keys: await collect(storage, passwordPolicyKey('')) } }),
          summary: 'List the existing password policies.',
        },
      },
      synopsis: 'List the existing password policies.',
    }),
    definePath({
      pattern: 'policies/password/(?<name>.+)/generate$',
      fields: { name },
      operations: {
        read: {
          handler: async (_req, d) => {
            const text = await stored(storage, policyName(d))
            let policy: PasswordPolicy
            try {
              policy = parsePasswordPolicy(text)
            } catch {
              throw internal('stored password policy configuration failed to parse')
            }
            try {
              return { data: { password: generatePassword(policy) } }
            } catch (e) {
              throw internal(`failed to generate password from policy: ${(e as Error).message}`)
            }
          },
          summary: 'Generate a password from an existing password policy.',
        },
      },
      synopsis: 'Generate a password from an existing password policy.',
      description: 'Generate a password from an existing password policy.',
    }),
    definePath({
      pattern: 'policies/password/(?<name>.+)$',
      fields: { name, policy: { type: 'string', description: 'The password policy' } },
      operations: {
        update: {
          handler: async (_req, d) => {
            const n = policyName(d)
            const raw = d.get<string>('policy')
            if (raw === '') throw new InvalidRequestError('missing policy')
            const { text } = checkPasswordPolicyText(raw)
            try {
              await writePasswordPolicy(storage, n, text)
            } catch (e) {
              throw internal(`failed to save policy to storage backend: ${(e as Error).message}`)
            }
            return null
          },
          summary: 'Add a new or update an existing password policy.',
        },
        read: {
          handler: async (_req, d) => ({ data: { policy: await stored(storage, policyName(d)) } }),
          summary: 'Retrieve an existing password policy.',
        },
        delete: {
          handler: async (_req, d) => {
            const n = policyName(d)
            try {
              await storage.delete(passwordPolicyKey(n))
            } catch (e) {
              throw internal(`failed to delete password policy: ${(e as Error).message}`)
            }
            return null
          },
          summary: 'Delete a password policy.',
        },
      },
      synopsis: 'Read, write and delete password policies.',
      description:
        'A password policy is HCL: `length` and one or more `rule "charset" { charset = "…" min-chars = N }` blocks. Secrets engines that generate passwords (the database engine) name a policy to draw from.',
    }),
  ]
}
