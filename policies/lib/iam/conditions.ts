/**
 * Evaluates a statement's Condition block against what is known of the request. Three outcomes:
 * "yes"/"no" where IAM's documented logic decides from the known values, "maybe" where it depends
 * on something this library does not know (a key whose value it was not given, a policy variable,
 * a set operator). Pure.
 *
 * Documented logic (Conditions with multiple context keys or values; Condition operators):
 * operators AND, keys AND, values OR (NOR for negated operators); "Context key names are not
 * case-sensitive"; a key absent from the request makes a condition false, a negated one true;
 * `…IfExists` is true when the key is absent; `Null: true` is true when the key is absent.
 */
import { ConditionEntry } from "./document";
import { NEGATED, comparePositive, positiveOf } from "./conditionOperators";
import { Match, allOf, anyOf, hasPolicyVariable, negate } from "./match";

export interface ConditionContext {
    /** Keys whose values are known for this request (names compared case-insensitively). */
    readonly values?: Readonly<Record<string, string>>;
    /**
     * Keys known to be absent from this request (e.g. service keys of a service that has none).
     * Any other key not in `values` is unknown. @default none
     */
    readonly isAbsent?: (key: string) => boolean;
}

export interface ConditionVerdict {
    readonly match: Match;
    /** Why the outcome is "maybe", for reasons shown to people. */
    readonly doubts: readonly string[];
}

function lookup(context: ConditionContext, key: string): string | undefined {
    const wanted = key.toLowerCase();
    for (const [k, v] of Object.entries(context.values ?? {})) if (k.toLowerCase() === wanted) return v;
    return undefined;
}

function evaluateEntry(entry: ConditionEntry, context: ConditionContext): { match: Match; doubt?: string } {
    const where = `${entry.operator} on ${entry.key}`;
    const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(entry.operator)!;
    const [, setOperator, base, ifExists] = m;
    if (setOperator !== undefined)
        return { match: "maybe", doubt: `${where}: set operators on multivalued keys are not evaluated` };
    if (entry.values.some(hasPolicyVariable))
        return { match: "maybe", doubt: `${where}: its value holds a policy variable, not resolved here` };
    const value = lookup(context, entry.key);
    if (value === undefined) {
        if (!(context.isAbsent?.(entry.key) ?? false))
            return { match: "maybe", doubt: `${where}: the request's ${entry.key} is not known here` };
        if (base === "Null")
            return { match: entry.values.some((v) => v.toLowerCase() === "true") ? "yes" : "no" };
        if (ifExists !== undefined || NEGATED.includes(base)) return { match: "yes" };
        return { match: "no" };
    }
    if (base === "Null")
        return { match: entry.values.some((v) => v.toLowerCase() === "false") ? "yes" : "no" };
    const negated = NEGATED.includes(base);
    const positive = anyOf(
        entry.values.map((v) => comparePositive(negated ? positiveOf(base) : base, v, value)),
    );
    const match = negated ? negate(positive) : positive;
    return match === "maybe" ? { match, doubt: `${where}: ${base} is not evaluated here` } : { match };
}

export function evaluateConditions(
    entries: readonly ConditionEntry[],
    context: ConditionContext,
): ConditionVerdict {
    const results = entries.map((e) => evaluateEntry(e, context));
    return {
        match: allOf(results.map((r) => r.match)),
        doubts: results.filter((r) => r.match === "maybe" && r.doubt).map((r) => r.doubt as string),
    };
}
