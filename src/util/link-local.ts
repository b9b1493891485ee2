import { BlockList, isIP } from 'node:net';

/*
 * Link-local addresses, 169.254.0.0/16 and fe80::/10, are where cloud machines reach their
 * instance metadata service (169.254.169.254; on AWS also fd00:ec2::254), which hands
 * credentials to any process that asks. A webhook URL in a spec must not make labbook post
 * there, unless the spec says so.
 */
const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');
LINK_LOCAL.addAddress('fd00:ec2::254', 'ipv6');

/** Whether an IP address (v4, v6 or v4-mapped v6) is link-local or a metadata service's; false for anything else. */
export function isLinkLocalAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && LINK_LOCAL.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** The IP address a URL's host names literally (a WHATWG hostname: IPv4 normalised, IPv6 in brackets), if it is one. */
export function ipLiteralOf(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : undefined;
}

/** The sentence that refuses a link-local address, and how to allow it. */
export function linkLocalRefusal(address: string): string {
  return `${address} is a link-local address (169.254.0.0/16, fe80::/10: where cloud machines serve their credentials); labbook posts there only for a notify entry of a spec that says allow_link_local: true`;
}
