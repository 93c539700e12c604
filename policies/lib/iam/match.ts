/**
 * Matching action names and ARNs against IAM patterns, with three outcomes: "yes" (AWS matches, by
 * its documented rules), "no" (it cannot match whatever AWS does), and "maybe" (the documentation
 * leaves room: a policy variable, a wildcard in the service segment, a `*` at the end of an ARN
 * segment). Callers resolve "maybe" the safe way for their purpose (see evaluate.ts).
 *
 * Documented rules encoded here:
 * - Actions: "The prefix and the action name are case insensitive"; `*` and `?` are wildcards
 *   (IAM JSON policy elements: Action).
 * - Resources: "You can use wildcard characters (* and ?) within the individual segments of an ARN
 *   (the parts separated by colons)"; "If the * wildcard is the last character of a resource ARN
 *   segment, it can expand to match beyond the colon boundaries"; "The asterisk (*) character can
 *   expand to replace everything within a segment, including characters like a forward slash";
 *   "You can't use a wildcard in the service segment" (IAM JSON policy elements: Resource).
 *   ARN matching is case-sensitive ("ArnEquals, ArnLike: Case-sensitive matching of the ARN",
 *   IAM JSON policy elements: Condition operators).
 * - Policy variables `${…}` are placeholders resolved from the request; `${*}`, `${?}` and `${$}`
 *   stand for a literal `*`, `?` and `$` (IAM policy elements: Variables and tags). This library
 *   never resolves variables: a pattern holding one is "maybe" wherever its other parts allow.
 */

export type Match = "yes" | "maybe" | "no";

/** Logical AND of three-valued matches. */
export function allOf(matches: readonly Match[]): Match {
    if (matches.includes("no")) return "no";
    return matches.includes("maybe") ? "maybe" : "yes";
}

/** Logical OR of three-valued matches. */
export function anyOf(matches: readonly Match[]): Match {
    if (matches.includes("yes")) return "yes";
    return matches.includes("maybe") ? "maybe" : "no";
}

export function negate(match: Match): Match {
    return match === "yes" ? "no" : match === "no" ? "yes" : "maybe";
}

type Token =
    | { readonly kind: "literal"; readonly text: string }
    | { readonly kind: "star" }
    | { readonly kind: "one" }
    | { readonly kind: "variable" };

const ESCAPES: Readonly<Record<string, string>> = { "${*}": "*", "${?}": "?", "${$}": "$" };

/** Splits a pattern into literals, `*`, `?` and policy variables. */
function tokenize(pattern: string): Token[] {
    const tokens: Token[] = [];
    for (let i = 0; i < pattern.length;) {
        if (pattern.startsWith("${", i)) {
            const end = pattern.indexOf("}", i);
            if (end !== -1) {
                const text = pattern.slice(i, end + 1);
                tokens.push(
                    ESCAPES[text] !== undefined
                        ? { kind: "literal", text: ESCAPES[text] }
                        : { kind: "variable" },
                );
                i = end + 1;
                continue;
            }
        }
        const c = pattern[i];
        tokens.push(
            c === "*" ? { kind: "star" } : c === "?" ? { kind: "one" } : { kind: "literal", text: c },
        );
        i++;
    }
    return tokens;
}

export function hasPolicyVariable(pattern: string): boolean {
    return tokenize(pattern).some((t) => t.kind === "variable");
}

export function hasWildcard(pattern: string): boolean {
    return tokenize(pattern).some((t) => t.kind !== "literal");
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * A regular expression for a pattern (or one segment of it). `star`/`one` say what `*` and `?`
 * may consume; a variable is `variable` (a regex source) or, when undefined, makes the pattern
 * unmatchable.
 */
function compile(
    tokens: readonly Token[],
    star: string,
    one: string,
    variable: string | undefined,
): string | undefined {
    let source = "";
    for (const t of tokens) {
        if (t.kind === "literal") source += escapeRegex(t.text);
        else if (t.kind === "star") source += star;
        else if (t.kind === "one") source += one;
        else if (variable === undefined) return undefined;
        else source += variable;
    }
    return source;
}

function test(source: string | undefined, value: string, flags = ""): boolean {
    return source !== undefined && new RegExp(`^${source}$`, flags).test(value);
}

/** Does an Action/NotAction pattern match an action name such as `rds-db:connect`? */
export function matchAction(pattern: string, action: string): Match {
    const tokens = tokenize(pattern);
    const colon = pattern.indexOf(":");
    const prefix = colon === -1 ? pattern : pattern.slice(0, colon);
    // Documented forms: "*" alone, or a literal service prefix with wildcards in the action name.
    const documented = pattern === "*" || (colon > 0 && !hasWildcard(prefix) && !hasPolicyVariable(prefix));
    if (documented && test(compile(tokens, ".*", ".", undefined), action, "i")) return "yes";
    // Anything else a glob over the whole name could match (e.g. "*:connect", a variable) is a doubt.
    return test(compile(tokens, ".*", ".", ".*"), action, "i") ? "maybe" : "no";
}

/** The first five `:`-separated segments and the resource part (which may itself hold colons). */
export function arnSegments(arn: string): string[] {
    const parts = arn.split(":");
    return parts.length <= 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/**
 * Does a Resource/NotResource (or ArnLike) pattern match a concrete ARN?
 *
 * "yes" — the reading every documented rule agrees on: each `:`-separated segment matched on its
 * own (`*` and `?` never consume a colon), no wildcard in the service segment, except that a `*`
 * ending the whole pattern covers the rest of the ARN (the documented "last character of a segment
 * can expand"; AWS's own managed policies rely on it, e.g. `arn:aws:logs:*:*:*` for log streams).
 *
 * "maybe" — the widest reading the documentation leaves open: any `*` that ends a segment may run
 * on past colons, `*`/`?` in the resource part (after the fifth colon) may cross the colons inside
 * it, a wildcard in the service segment counts, a policy variable stands for any text.
 */
export function matchArn(pattern: string, arn: string): Match {
    if (pattern === "*") return "yes";
    if (narrowArnPattern(pattern)?.test(arn)) return "yes";
    return wideArnPattern(pattern).test(arn) ? "maybe" : "no";
}

function narrowArnPattern(pattern: string): RegExp | undefined {
    const segments = pattern.split(":");
    if (segments.length > 2 && hasWildcard(segments[2])) return undefined; // "can't use a wildcard in the service segment"
    const tokens = tokenize(pattern);
    let source = "";
    for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i];
        if (t.kind === "literal") source += escapeRegex(t.text);
        else if (t.kind === "star") source += i === tokens.length - 1 ? ".*" : "[^:]*";
        else if (t.kind === "one") source += "[^:]";
        else return undefined; // a variable is never resolved here
    }
    return new RegExp(`^${source}$`);
}

function wideArnPattern(pattern: string): RegExp {
    const tokens = tokenize(pattern);
    let source = "";
    let colons = 0;
    for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i];
        const next = tokens[i + 1];
        const inResourcePart = colons >= 5;
        if (t.kind === "literal") {
            if (t.text === ":") colons++;
            source += escapeRegex(t.text);
        } else if (t.kind === "star") {
            const endsSegment = next === undefined || (next.kind === "literal" && next.text === ":");
            source += endsSegment || inResourcePart ? ".*" : "[^:]*";
        } else if (t.kind === "one") source += inResourcePart ? "." : "[^:]";
        else source += ".*";
    }
    return new RegExp(`^${source}$`);
}
