/**
 * Parses and validates an identity-based IAM policy document the way IAM does before it stores
 * one: a document IAM would refuse (MalformedPolicyDocument) comes back as problems, never as
 * statements to evaluate. Pure.
 *
 * Documented rules (IAM JSON policy element reference and grammar):
 * - Version is "2012-10-17" or "2008-10-17" (Version element); top-level elements are Version, Id,
 *   Statement.
 * - Effect is required and "The Effect value is case sensitive": exactly "Allow" or "Deny".
 * - "Statements must include either an Action or NotAction element" — one of them, not both; the
 *   same for Resource / NotResource.
 * - An action is "*" or `<service prefix>:<action>` ("Actions/Conditions must be prefaced by a
 *   vendor"); a resource is "*" or an ARN.
 * - "You cannot use the Principal element in an identity-based policy" (Principal element).
 * - Condition: operator → { key → value or list of values } with a known operator, optionally
 *   `ForAnyValue:`/`ForAllValues:` and `…IfExists` (Condition operators); `Condition: {}` holds no
 *   condition.
 */
import { CONDITION_OPERATORS } from "./conditionOperators";

export type Effect = "Allow" | "Deny";

export interface ConditionEntry {
    /** As written, e.g. `StringEqualsIfExists`, `ForAnyValue:StringLike`. */
    readonly operator: string;
    readonly key: string;
    readonly values: readonly string[];
}

export interface Statement {
    /** The Sid, else the position in the document. */
    readonly label: string;
    readonly effect: Effect;
    readonly action?: readonly string[];
    readonly notAction?: readonly string[];
    readonly resource?: readonly string[];
    readonly notResource?: readonly string[];
    readonly conditions: readonly ConditionEntry[];
}

export type ParsedDocument =
    | { readonly ok: true; readonly version?: string; readonly statements: readonly Statement[] }
    | { readonly ok: false; readonly problems: readonly string[] };

const TOP_LEVEL = ["Version", "Id", "Statement"];
const STATEMENT_KEYS = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"];
const VERSIONS = ["2012-10-17", "2008-10-17"];

const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

/** A string or a non-empty list of strings, as a list; undefined when it is neither. */
function stringList(value: unknown): string[] | undefined {
    if (typeof value === "string") return [value];
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) return value;
    return undefined;
}

function checkActions(name: string, value: unknown, problems: string[]): string[] | undefined {
    const list = stringList(value);
    if (list === undefined) {
        problems.push(`${name} must be an action or a non-empty list of actions`);
        return undefined;
    }
    for (const action of list) {
        if (action !== "*" && !/^[^:]+:.+$/.test(action))
            problems.push(`${name} ${JSON.stringify(action)} is not "*" or <service>:<action>`);
    }
    return list;
}

function checkResources(name: string, value: unknown, problems: string[]): string[] | undefined {
    const list = stringList(value);
    if (list === undefined) {
        problems.push(`${name} must be an ARN or a non-empty list of ARNs`);
        return undefined;
    }
    for (const resource of list) {
        if (resource !== "*" && !resource.startsWith("arn:"))
            problems.push(`${name} ${JSON.stringify(resource)} is not "*" or an ARN`);
    }
    return list;
}

function conditionValues(value: unknown): string[] | undefined {
    const scalar = (v: unknown) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";
    if (scalar(value)) return [String(value)];
    if (Array.isArray(value) && value.length > 0 && value.every(scalar)) return value.map(String);
    return undefined;
}

/** Is this a condition operator IAM knows (with its set and IfExists variants)? */
export function isConditionOperator(operator: string): boolean {
    const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operator);
    if (!m) return false;
    const base = m[2];
    if (base === "Null") return m[1] === undefined && m[3] === undefined;
    return CONDITION_OPERATORS.includes(base);
}

function checkCondition(value: unknown, problems: string[]): ConditionEntry[] {
    if (!isObject(value)) {
        problems.push("Condition must be an object of operators");
        return [];
    }
    const entries: ConditionEntry[] = [];
    for (const [operator, block] of Object.entries(value)) {
        if (!isConditionOperator(operator)) {
            problems.push(`Condition operator ${JSON.stringify(operator)} is not one IAM knows`);
            continue;
        }
        if (!isObject(block) || Object.keys(block).length === 0) {
            problems.push(`Condition ${operator} must map at least one key to its values`);
            continue;
        }
        for (const [key, raw] of Object.entries(block)) {
            const values = conditionValues(raw);
            if (values === undefined)
                problems.push(`Condition ${operator} ${key} must be a value or a non-empty list of values`);
            else entries.push({ operator, key, values });
        }
    }
    return entries;
}

function parseStatement(raw: unknown, index: number, problems: string[]): Statement | undefined {
    const at = (message: string) => problems.push(`statement ${index}: ${message}`);
    if (!isObject(raw)) {
        at("is not an object");
        return undefined;
    }
    const local: string[] = [];
    for (const key of Object.keys(raw)) {
        if (key === "Principal" || key === "NotPrincipal")
            local.push(`${key} is not allowed in an identity-based policy`);
        else if (!STATEMENT_KEYS.includes(key)) local.push(`unknown element ${JSON.stringify(key)}`);
    }
    if (raw.Sid !== undefined && typeof raw.Sid !== "string") local.push("Sid must be a string");
    if (raw.Effect !== "Allow" && raw.Effect !== "Deny")
        local.push(`Effect must be exactly "Allow" or "Deny" (got ${JSON.stringify(raw.Effect)})`);
    const hasAction = raw.Action !== undefined;
    const hasNotAction = raw.NotAction !== undefined;
    if (hasAction === hasNotAction)
        local.push(
            hasAction ? "has both Action and NotAction; keep one" : "has neither Action nor NotAction",
        );
    const hasResource = raw.Resource !== undefined;
    const hasNotResource = raw.NotResource !== undefined;
    if (hasResource === hasNotResource)
        local.push(
            hasResource
                ? "has both Resource and NotResource; keep one"
                : "has neither Resource nor NotResource",
        );
    const action = hasAction ? checkActions("Action", raw.Action, local) : undefined;
    const notAction = hasNotAction ? checkActions("NotAction", raw.NotAction, local) : undefined;
    const resource = hasResource ? checkResources("Resource", raw.Resource, local) : undefined;
    const notResource = hasNotResource ? checkResources("NotResource", raw.NotResource, local) : undefined;
    const conditions = raw.Condition === undefined ? [] : checkCondition(raw.Condition, local);
    local.forEach(at);
    if (local.length > 0) return undefined;
    return {
        label: typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : String(index),
        effect: raw.Effect as Effect,
        action,
        notAction,
        resource,
        notResource,
        conditions,
    };
}

/** Parses a policy document given as an object or as JSON text. */
export function parsePolicyDocument(document: unknown): ParsedDocument {
    let value = document;
    if (typeof document === "string") {
        try {
            value = JSON.parse(document);
        } catch {
            return { ok: false, problems: ["is not valid JSON"] };
        }
    }
    if (!isObject(value)) return { ok: false, problems: ["is not a JSON object"] };
    const problems: string[] = [];
    for (const key of Object.keys(value)) {
        if (!TOP_LEVEL.includes(key)) problems.push(`unknown top-level element ${JSON.stringify(key)}`);
    }
    if (value.Version !== undefined && !VERSIONS.includes(value.Version as string))
        problems.push(`Version must be "2012-10-17" or "2008-10-17" (got ${JSON.stringify(value.Version)})`);
    const raw = value.Statement;
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    if (list.length === 0) problems.push("has no Statement");
    const statements = list.map((s, i) => parseStatement(s, i, problems));
    if (problems.length > 0) return { ok: false, problems };
    return {
        ok: true,
        version: value.Version as string | undefined,
        statements: statements as Statement[],
    };
}
