import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Client } from 'ldapts'
import type { LdapSettings } from '#app/integrations/ldap/client.server.ts'

/**
 * A real OpenLDAP slapd for one test file: a temporary folder, a generated slapd.conf (core,
 * cosine, inetorgperson, nis and Coin's radiusprofile schemas; back_mdb and the argon2 password
 * module), listening on 127.0.0.1 only, seeded with the suffix, ou=vpn and ou=members.
 *
 * ```ts
 * const missing = slapdMissing()
 * describe.skipIf(missing)('…', () => {
 *   let ldap: Slapd
 *   beforeAll(async () => (ldap = await startSlapd()))
 *   afterAll(() => ldap?.close())
 * })
 * ```
 */

const SCHEMA_DIR = '/etc/ldap/schema'
const MODULE_DIR = '/usr/lib/ldap'
const RADIUS_SCHEMA = path.resolve('app/integrations/ldap/radiusprofile.schema')

export const SUFFIX = 'dc=coin,dc=test'
export const ADMIN_DN = `cn=admin,${SUFFIX}`
export const ADMIN_PASSWORD = 'coin-test-admin-secret'
export const VPN_BASE_DN = `ou=vpn,${SUFFIX}`
export const MEMBERS_BASE_DN = `ou=members,${SUFFIX}`

function findSlapd() {
  for (const dir of ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':')]) {
    const file = path.join(dir, 'slapd')
    if (dir && fs.existsSync(file)) return file
  }
  return null
}

const SLAPD = findSlapd()

/**
 * Why slapd tests cannot run on this machine (printed once), or null when they can. Under
 * CI=true a missing slapd is a failure: it throws instead.
 */
export function slapdMissing(): string | null {
  const needed = [
    [SLAPD ?? 'slapd', 'slapd'],
    [path.join(MODULE_DIR, 'back_mdb.so'), 'the back_mdb module'],
    [path.join(MODULE_DIR, 'argon2.so'), 'the argon2 module'],
    [path.join(SCHEMA_DIR, 'nis.schema'), 'the OpenLDAP schemas'],
  ]
  const absent = needed.filter(([file]) => !fs.existsSync(file)).map(([, what]) => what)
  if (absent.length === 0) return null
  const reason = `${absent.join(', ')} not found (Debian: apt-get install slapd ldap-utils)`
  if (process.env.CI === 'true') throw new Error(`LDAP tests need slapd under CI=true: ${reason}`)
  console.warn(`LDAP tests skipped: ${reason}`)
  return reason
}

export type SlapdOptions = {
  /** TLS with a throw-away self-signed certificate for 127.0.0.1 and localhost (needs openssl): StartTLS on the ldap:// port, plus an ldaps:// port. */
  tls?: boolean
  /** slapd.conf `access` lines instead of the default (userPassword for binding only, the rest readable). */
  access?: string[]
}

export type Slapd = {
  url: string
  /** Set with `tls`: the ldaps:// address and the PEM file that certifies the server. */
  ldapsUrl?: string
  caFile?: string
  /** Coin's connection settings for this server (bound as the root DN), with overrides. */
  settings(overrides?: Partial<LdapSettings>): LdapSettings
  /** Stops the server, keeping its data and port. */
  stop(): Promise<void>
  /** Starts it again on the same data and port (after `stop`). */
  start(): Promise<void>
  /** Stops it and deletes its folder. */
  close(): Promise<void>
}

export async function startSlapd({ tls = false, access = DEFAULT_ACCESS }: SlapdOptions = {}): Promise<Slapd> {
  if (!SLAPD) throw new Error('slapd not found')
  const slapd = SLAPD
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-test-slapd-'))
  fs.mkdirSync(path.join(dir, 'data'))
  const port = await freePort()
  const url = `ldap://127.0.0.1:${port}`
  const ldapsUrl = tls ? `ldaps://127.0.0.1:${await freePort()}` : undefined
  const caFile = tls ? makeCertificate(dir) : undefined
  const conf = path.join(dir, 'slapd.conf')
  fs.writeFileSync(conf, slapdConf(dir, tls, access))

  let child: ChildProcess | null = null
  let output = ''
  const start = async () => {
    output = ''
    const started = spawn(slapd, ['-f', conf, '-h', [url, ldapsUrl].filter(Boolean).join(' '), '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child = started
    await waitUntilBound(url, started, () => output)
  }
  const stop = async () => {
    const running = child
    child = null
    if (!running || running.exitCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    const timer = setTimeout(() => running.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  await start()
  try {
    await seed(url)
  } catch (error) {
    await stop()
    throw error
  }
  return {
    url,
    ldapsUrl,
    caFile,
    settings: (overrides = {}) => ({
      url,
      bindDn: ADMIN_DN,
      bindPassword: ADMIN_PASSWORD,
      startTls: false,
      tlsRejectUnauthorized: true,
      timeoutMs: 2000,
      ...overrides,
    }),
    stop,
    start,
    close: async () => {
      await stop()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

// Accounts bind with their own userPassword; nobody else reads it.
const DEFAULT_ACCESS = ['access to attrs=userPassword by self write by anonymous auth by * none', 'access to * by * read']

function slapdConf(dir: string, tls: boolean, access: string[]) {
  const schemas = ['core', 'cosine', 'inetorgperson', 'nis'].map((name) => path.join(SCHEMA_DIR, `${name}.schema`))
  return [
    ...[...schemas, RADIUS_SCHEMA].map((file) => `include ${file}`),
    `modulepath ${MODULE_DIR}`,
    'moduleload back_mdb',
    'moduleload argon2',
    `pidfile ${path.join(dir, 'slapd.pid')}`,
    `argsfile ${path.join(dir, 'slapd.args')}`,
    'password-hash {SSHA}',
    ...(tls
      ? [
          `TLSCACertificateFile ${path.join(dir, 'cert.pem')}`,
          `TLSCertificateFile ${path.join(dir, 'cert.pem')}`,
          `TLSCertificateKeyFile ${path.join(dir, 'key.pem')}`,
        ]
      : []),
    'database mdb',
    `suffix "${SUFFIX}"`,
    `rootdn "${ADMIN_DN}"`,
    `rootpw ${ADMIN_PASSWORD}`,
    `directory ${path.join(dir, 'data')}`,
    'maxsize 67108864',
    ...access,
    '',
  ].join('\n')
}

/** A self-signed certificate for 127.0.0.1 and localhost; returns the file clients trust. */
function makeCertificate(dir: string) {
  const cert = path.join(dir, 'cert.pem')
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { encoding: 'utf8' },
  )
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`)
  return cert
}

function freePort() {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function waitUntilBound(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited with code ${child.exitCode}:\n${output()}`)
    const client = new Client({ url, connectTimeout: 500, timeout: 1000 })
    try {
      await client.bind(ADMIN_DN, ADMIN_PASSWORD)
      return
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`slapd did not answer at ${url}: ${String(error)}\n${output()}`)
    } finally {
      await client.unbind().catch(() => {})
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function seed(url: string) {
  const client = new Client({ url, timeout: 5000 })
  try {
    await client.bind(ADMIN_DN, ADMIN_PASSWORD)
    await client.add(SUFFIX, { objectClass: ['dcObject', 'organization'], dc: 'coin', o: 'Coin tests' })
    for (const dn of [VPN_BASE_DN, MEMBERS_BASE_DN]) {
      await client.add(dn, { objectClass: ['organizationalUnit'], ou: dn.slice(3, dn.indexOf(',')) })
    }
  } finally {
    await client.unbind().catch(() => {})
  }
}
