/**
 * IAM condition operators (IAM JSON policy elements: Condition operators): which exist, which are
 * negated, and how one policy value compares with one request value. Pure.
 */
import { Match, matchArn } from "./match";
import { ipInCidr } from "./ipAddress";

/** The base operators IAM knows (without ForAnyValue:/ForAllValues: and IfExists). Null aside. */
export const CONDITION_OPERATORS: readonly string[] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
];

/**
 * The negated matching operators: "If a single negated matching condition operator includes
 * multiple values for a context key, those values are evaluated using a logical NOR", and a key
 * absent from the request makes them true (Conditions with multiple context keys or values;
 * Condition operators).
 */
export const NEGATED: readonly string[] = [
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "NumericNotEquals",
    "DateNotEquals",
    "NotIpAddress",
    "ArnNotEquals",
    "ArnNotLike",
];

/** The positive operator a negated one denies (StringNotLike → StringLike). */
export function positiveOf(operator: string): string {
    if (operator === "NotIpAddress") return "IpAddress";
    return operator.replace("Not", "");
}

/** StringLike's wildcards: `*` any run, `?` one character, case-sensitive. */
function like(pattern: string, value: string): boolean {
    const source = pattern
        .split("")
        .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
        .join("");
    return new RegExp(`^${source}$`, "s").test(value);
}

function number(text: string): number | undefined {
    return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : undefined;
}

/** Dates as IAM takes them: ISO 8601 or seconds since the epoch. */
function date(text: string): number | undefined {
    const epoch = number(text);
    if (epoch !== undefined) return epoch * 1000;
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? undefined : parsed;
}

function compare(a: number | undefined, b: number | undefined, how: string): Match {
    if (a === undefined || b === undefined) return "maybe"; // IAM would not match; we cannot read it
    switch (how) {
        case "Equals":
            return a === b ? "yes" : "no";
        case "LessThan":
            return a < b ? "yes" : "no";
        case "LessThanEquals":
            return a <= b ? "yes" : "no";
        case "GreaterThan":
            return a > b ? "yes" : "no";
        default:
            return a >= b ? "yes" : "no";
    }
}

/**
 * Does the request value satisfy the POSITIVE operator for one policy value? ("maybe" where this
 * library does not model the operator, e.g. BinaryEquals.)
 */
export function comparePositive(operator: string, policyValue: string, requestValue: string): Match {
    switch (operator) {
        case "StringEquals":
            return policyValue === requestValue ? "yes" : "no";
        case "StringEqualsIgnoreCase":
            return policyValue.toLowerCase() === requestValue.toLowerCase() ? "yes" : "no";
        case "StringLike":
            return like(policyValue, requestValue) ? "yes" : "no";
        case "Bool":
            return policyValue.toLowerCase() === requestValue.toLowerCase() ? "yes" : "no";
        case "IpAddress": {
            const inside = ipInCidr(requestValue, policyValue);
            return inside === undefined ? "maybe" : inside ? "yes" : "no";
        }
        case "ArnEquals":
        case "ArnLike":
            return matchArn(policyValue, requestValue);
        default: {
            const numeric = /^Numeric(.+)$/.exec(operator);
            if (numeric) return compare(number(requestValue), number(policyValue), numeric[1]);
            const dated = /^Date(.+)$/.exec(operator);
            if (dated) return compare(date(requestValue), date(policyValue), dated[1]);
            return "maybe";
        }
    }
}
