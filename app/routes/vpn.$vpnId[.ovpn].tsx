import fs from 'node:fs/promises'
import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireBackend } from '#app/backends/registry.server.ts'
import { getVpnAccount } from '#app/backends/vpn/accounts.server.ts'
import { ovpnFile, ovpnFileName } from '#app/backends/vpn/ovpn.ts'
import { VpnIdParams } from '#app/backends/vpn/vpn.schema.ts'
import { getIspIdentity } from '#app/models/isp/settings.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { notFound, PRIVATE_NO_STORE } from '#app/utils/http.server.ts'

/** The OpenVPN client file of one of the session member's accounts (OPENVPN_* settings). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  requireBackend('vpn')
  const { vpnId } = VpnIdParams.parse(params)
  const vpn = vpnId ? await getVpnAccount({ configurationId: vpnId, memberId: member.id }) : null
  const env = getEnv()
  if (!vpn || env.OPENVPN_SERVER === '') notFound()
  const [isp, caCertificate] = await Promise.all([
    getIspIdentity(),
    env.OPENVPN_CA_FILE ? fs.readFile(env.OPENVPN_CA_FILE, 'utf8') : null,
  ])
  const body = ovpnFile({ login: vpn.login, ispName: isp.name, accountUrl: `${env.PUBLIC_URL}/vpn/${vpn.configurationId}` }, { server: env.OPENVPN_SERVER, port: env.OPENVPN_PORT, protocol: env.OPENVPN_PROTOCOL, caCertificate })
  return new Response(body, {
    headers: {
      'Content-Type': 'application/x-openvpn-profile; charset=utf-8',
      'Content-Disposition': `attachment; filename="${ovpnFileName(vpn.login)}"`,
      'Cache-Control': PRIVATE_NO_STORE,
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
