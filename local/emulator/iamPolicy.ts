/**
 * IAM policy evaluation for one action on one resource, the IAM way: explicit Deny wins, then any
 * Allow, else implicit deny. Action/NotAction and Resource/NotResource, `*` and `?` wildcards;
 * actions compare case-insensitively, resource ARNs case-sensitively (so DBUser case matters).
 *
 * Conditions: rds-db:connect has no service condition keys and this emulator has no request
 * context for global ones, so an Allow with a Condition does not apply and a Deny with one does
 * (fail closed).
 */

export interface Statement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action?: string | string[];
    readonly NotAction?: string | string[];
    readonly Resource?: string | string[];
    readonly NotResource?: string | string[];
    readonly Condition?: unknown;
}

export interface Decision {
    readonly effect: "allow" | "explicit-deny" | "implicit-deny";
    /** The statement that decided, e.g. `policy "api-connect" statement 0`. */
    readonly by?: string;
}

export interface NamedDocument {
    readonly name: string;
    readonly document: string | { Statement: Statement | Statement[] };
}

function toList(value: string | string[] | undefined): string[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
    const regex =
        "^" +
        pattern
            .split("")
            .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
            .join("") +
        "$";
    return new RegExp(regex, caseInsensitive ? "i" : "").test(value);
}

function matches(statement: Statement, action: string, resource: string): boolean {
    const actionOk =
        statement.NotAction !== undefined
            ? !toList(statement.NotAction).some((a) => wildcardMatch(a, action, true))
            : toList(statement.Action).some((a) => wildcardMatch(a, action, true));
    const resourceOk =
        statement.NotResource !== undefined
            ? !toList(statement.NotResource).some((r) => wildcardMatch(r, resource, false))
            : toList(statement.Resource).some((r) => wildcardMatch(r, resource, false));
    return actionOk && resourceOk;
}

export function statementsOf(document: NamedDocument["document"]): Statement[] {
    const parsed = typeof document === "string" ? JSON.parse(document) : document;
    const statement = parsed.Statement;
    return Array.isArray(statement) ? statement : [statement];
}

export function decide(documents: readonly NamedDocument[], action: string, resource: string): Decision {
    let allowedBy: string | undefined;
    for (const { name, document } of documents) {
        const statements = statementsOf(document);
        for (let i = 0; i < statements.length; i++) {
            const statement = statements[i];
            if (!matches(statement, action, resource)) continue;
            const by = `policy "${name}" statement ${statement.Sid ?? i}`;
            if (statement.Effect === "Deny") return { effect: "explicit-deny", by }; // Deny wins
            if (statement.Effect === "Allow" && statement.Condition === undefined) allowedBy ??= by;
        }
    }
    return allowedBy !== undefined ? { effect: "allow", by: allowedBy } : { effect: "implicit-deny" };
}
