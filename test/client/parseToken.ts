/** Splits a token (a presigned URL without scheme) into its address and query parameters. */
export function parseToken(token: string): { address: string; path: string; params: Record<string, string> } {
    const url = new URL(`https://${token}`);
    return { address: url.host, path: url.pathname, params: Object.fromEntries(url.searchParams) };
}
