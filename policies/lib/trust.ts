/**
 * Reading a role's trust policy (`assumeRolePolicy`): who may assume the role, and under which
 * conditions. A trust policy is a resource-based policy: Principal (or NotPrincipal) and no
 * Resource; its Action and Condition follow the same grammar as identity policies, so they are
 * read with lib/iam's parser. Malformed statements (IAM refuses the document) are left out. Pure.
 */
import { mayCoverAction } from "./grants";
import { ConditionEntry, Statement, parsePolicyDocument } from "./iam";

export type PrincipalKind = "*" | "AWS" | "Service" | "Federated" | "CanonicalUser";

export interface Principal {
    readonly kind: PrincipalKind;
    /** As written: `*`, an account id, an ARN, a service principal. */
    readonly value: string;
}

export interface TrustStatement {
    readonly label: string;
    /** The statement as lib/iam reads it (Resource "*" filled in), for action and condition checks. */
    readonly statement: Statement;
    readonly principals: readonly Principal[];
    /** NotPrincipal: every principal but these. */
    readonly notPrincipal: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

function principalsOf(value: unknown): Principal[] {
    if (value === "*") return [{ kind: "*", value: "*" }];
    if (!isObject(value)) return [];
    const out: Principal[] = [];
    for (const [kind, raw] of Object.entries(value)) {
        for (const v of Array.isArray(raw) ? raw : [raw]) {
            if (typeof v === "string") out.push({ kind: kind as PrincipalKind, value: v });
        }
    }
    return out;
}

/** The Allow statements of a trust policy that let principals assume the role (sts:AssumeRole). */
export function assumeStatements(document: unknown): TrustStatement[] {
    let value = document;
    if (typeof document === "string") {
        try {
            value = JSON.parse(document);
        } catch {
            return [];
        }
    }
    if (!isObject(value)) return [];
    const raw = Array.isArray(value.Statement) ? value.Statement : [value.Statement];
    const out: TrustStatement[] = [];
    raw.forEach((s, i) => {
        if (!isObject(s)) return;
        const { Principal, NotPrincipal, ...rest } = s;
        const parsed = parsePolicyDocument({
            Version: "2012-10-17",
            Statement: [{ ...rest, Resource: "*" }],
        });
        if (!parsed.ok) return;
        const statement = {
            ...parsed.statements[0],
            label: typeof s.Sid === "string" && s.Sid ? s.Sid : String(i),
        };
        if (statement.effect !== "Allow" || !mayCoverAction(statement, "sts:AssumeRole")) return;
        const notPrincipal = NotPrincipal !== undefined;
        out.push({
            label: statement.label,
            statement,
            principals: principalsOf(notPrincipal ? NotPrincipal : Principal),
            notPrincipal,
        });
    });
    return out;
}

/** The account an AWS principal names (`123456789012`, `arn:aws:iam::123456789012:root`, a role or user ARN). */
export function principalAccount(value: string): string | undefined {
    if (/^\d{12}$/.test(value)) return value;
    return /^arn:[a-z-]+:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
}

const POSITIVE = ["StringEquals", "StringLike", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike"];

/**
 * Does the statement's Condition restrict `key` to something narrower than anything: a positive
 * operator (no IfExists, no ForAllValues — both pass when the key is absent) with a value that is
 * not only `*`?
 */
export function restricts(conditions: readonly ConditionEntry[], key: string): boolean {
    return conditions.some((entry) => {
        if (entry.key.toLowerCase() !== key.toLowerCase()) return false;
        const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(entry.operator)!;
        if (m[1] === "ForAllValues" || m[3] !== undefined || !POSITIVE.includes(m[2])) return false;
        return entry.values.some((v) => v.replace(/\*/g, "") !== "");
    });
}

/** How a principal reads in messages: `"*"`, `AWS "arn:aws:iam::999999999999:root"`. */
export function describePrincipal(p: Principal): string {
    return p.kind === "*" ? `"*"` : `${p.kind} ${JSON.stringify(p.value)}`;
}
