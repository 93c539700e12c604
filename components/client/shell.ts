/**
 * Renders commands as POSIX shell text people paste: quoted words, `KEY=value` assignments, and a
 * token that the shell computes itself (`"$(…)"`), so no placeholder is ever read as a redirection.
 */

/** Quotes a word for POSIX shells only when it needs it. */
export function shellQuote(word: string): string {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Words joined into one shell line, each quoted as needed. */
export function shellWords(words: readonly string[]): string {
    return words.map(shellQuote).join(" ");
}

/** `"$(command …)"`: a double-quoted command substitution, one word whatever the command prints. */
export function commandSubstitution(words: readonly string[]): string {
    return `"$(${shellWords(words)})"`;
}

/** `export KEY='value'` lines for `eval "$(rds-iam env …)"`. */
export function exportLines(environment: Record<string, string>): string[] {
    return Object.entries(environment).map(([key, value]) => `export ${key}=${shellQuote(value)}`);
}
