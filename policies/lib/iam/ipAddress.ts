/**
 * IpAddress / NotIpAddress: "The specified IP address or range in IPv4 CIDR notation (RFC 4632) or
 * IPv6 CIDR notation (RFC 4291)"; a value without a prefix length is one address (IAM JSON policy
 * elements: Condition operators, IP address). Pure; no Node APIs, so the pack stays portable.
 */

/** An address as bits: 32 for IPv4, 128 for IPv6. */
function parseAddress(text: string): { bits: bigint; width: number } | undefined {
    const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
    if (v4) {
        const octets = v4.slice(1).map(Number);
        if (octets.some((o) => o > 255)) return undefined;
        return { bits: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), width: 32 };
    }
    if (!/^[0-9a-fA-F:]+$/.test(text) || !text.includes(":")) return undefined;
    const halves = text.split("::");
    if (halves.length > 2) return undefined;
    const groups = (part: string) => (part === "" ? [] : part.split(":"));
    const head = groups(halves[0]);
    const tail = halves.length === 2 ? groups(halves[1]) : [];
    const missing = 8 - head.length - tail.length;
    if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
    const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
    if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return { bits: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), width: 128 };
}

/** Is the address inside the CIDR block? undefined when either does not parse. */
export function ipInCidr(address: string, cidr: string): boolean | undefined {
    const [base, lengthText, extra] = cidr.split("/");
    if (extra !== undefined) return undefined;
    const ip = parseAddress(address.trim());
    const block = parseAddress(base.trim());
    if (ip === undefined || block === undefined) return undefined;
    if (ip.width !== block.width) return false;
    const length = lengthText === undefined ? block.width : Number(lengthText);
    if (!Number.isInteger(length) || length < 0 || length > block.width) return undefined;
    const shift = BigInt(block.width - length);
    return ip.bits >> shift === block.bits >> shift;
}
