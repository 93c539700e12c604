/**
 * The IAM decision for one request against a principal's identity-based policies: "an explicit
 * deny in any policy overrides any allows", then any Allow, else the implicit deny (Policy
 * evaluation logic). Shared by the policy pack (what might AWS allow?) and the login emulator (what
 * must it deny?). Pure.
 *
 * Where the documentation leaves an outcome open ("maybe": a policy variable, an unknown condition
 * key, a `*` at the end of an ARN segment…), `assume` decides:
 * - "least-access" (the emulator, at least as strict as AWS): an Allow applies only when it surely
 *   matches; a Deny applies whenever it might.
 * - "most-access" (the pack, flagging everything AWS might grant): an Allow applies whenever it
 *   might; a Deny only when it surely matches.
 */
import { ConditionContext, evaluateConditions } from "./conditions";
import { Statement, parsePolicyDocument } from "./document";
import { Match, allOf, anyOf, matchAction, matchArn, negate } from "./match";

export type Assumption = "least-access" | "most-access";

export interface NamedPolicy {
    /** How reasons name the policy, e.g. `policy "api-connect"`. */
    readonly name: string;
    /** The document, as an object or JSON text. */
    readonly document: unknown;
}

export interface Request extends ConditionContext {
    readonly action: string;
    readonly resource: string;
}

export interface StatementVerdict {
    readonly match: Match;
    readonly doubts: readonly string[];
}

export type Evaluation =
    | { readonly decision: "malformed"; readonly policy: string; readonly problems: readonly string[] }
    | {
          readonly decision: "implicit-deny";
          /** Statements left out because they only might apply, with why. */
          readonly notApplied: readonly string[];
      }
    | {
          readonly decision: "allow" | "explicit-deny";
          /** e.g. `policy "deny-all" statement NoDb` */
          readonly by: string;
          /** Why a doubtful statement was taken as applying (empty when it surely applies). */
          readonly doubts: readonly string[];
      };

function listMatch(patterns: readonly string[], match: (p: string) => Match, negated: boolean): Match {
    const any = anyOf(patterns.map(match));
    return negated ? negate(any) : any;
}

/** Does one statement apply to the request, and what leaves it in doubt? */
export function statementApplies(statement: Statement, request: Request): StatementVerdict {
    const action = statement.action
        ? listMatch(statement.action, (p) => matchAction(p, request.action), false)
        : listMatch(statement.notAction!, (p) => matchAction(p, request.action), true);
    const resource = statement.resource
        ? listMatch(statement.resource, (p) => matchArn(p, request.resource), false)
        : listMatch(statement.notResource!, (p) => matchArn(p, request.resource), true);
    const conditions = evaluateConditions(statement.conditions, request);
    const doubts: string[] = [];
    if (action === "maybe")
        doubts.push(
            `its ${statement.action ? "Action" : "NotAction"} may or may not cover ${request.action}`,
        );
    if (resource === "maybe")
        doubts.push(
            `its ${statement.resource ? "Resource" : "NotResource"} may or may not cover ${request.resource} (policy variable, or a wildcard IAM's documentation leaves open)`,
        );
    if (conditions.match === "maybe") doubts.push(...conditions.doubts);
    return { match: allOf([action, resource, conditions.match]), doubts };
}

/** Does a statement with this verdict take effect under the assumption? */
export function takesEffect(statement: Statement, verdict: StatementVerdict, assume: Assumption): boolean {
    if (verdict.match === "no") return false;
    if (verdict.match === "yes") return true;
    return (statement.effect === "Deny") === (assume === "least-access");
}

export function evaluate(policies: readonly NamedPolicy[], request: Request, assume: Assumption): Evaluation {
    const parsed = policies.map((p) => ({ name: p.name, parsed: parsePolicyDocument(p.document) }));
    for (const { name, parsed: doc } of parsed) {
        if (!doc.ok) return { decision: "malformed", policy: name, problems: doc.problems };
    }
    let allow: Evaluation | undefined;
    const notApplied: string[] = [];
    for (const { name, parsed: doc } of parsed) {
        if (!doc.ok) continue;
        for (const statement of doc.statements) {
            const verdict = statementApplies(statement, request);
            const by = `${name} statement ${statement.label}`;
            if (!takesEffect(statement, verdict, assume)) {
                if (verdict.match === "maybe") notApplied.push(`${by}: ${verdict.doubts.join("; ")}`);
                continue;
            }
            if (statement.effect === "Deny") return { decision: "explicit-deny", by, doubts: verdict.doubts };
            allow ??= { decision: "allow", by, doubts: verdict.doubts };
        }
    }
    return allow ?? { decision: "implicit-deny", notApplied };
}
