/**
 * What a policy statement GRANTS, for the rules: action patterns (Action or NotAction) expanded
 * against rds-db:connect and RDS's control actions, resource patterns read per ARN segment, with
 * the shared IAM semantics of lib/iam under the "most-access" assumption (anything AWS might
 * allow counts as granted). Pure.
 */
import { Match, Statement, anyOf, arnSegments, matchAction, negate, parsePolicyDocument } from "./iam";
import { RDS_CONTROL_ACTIONS } from "./rdsActions";

export const CONNECT = "rds-db:connect";

export { RDS_CONTROL_ACTIONS };

/** A statement's action patterns, as written, for messages. */
export function actionsAsWritten(statement: Statement): string {
    return statement.action
        ? JSON.stringify(statement.action.length === 1 ? statement.action[0] : statement.action)
        : `NotAction ${JSON.stringify(statement.notAction)}`;
}

/** Might this statement's Action/NotAction cover the action? */
export function mayCoverAction(statement: Statement, action: string): boolean {
    const matches = (patterns: readonly string[]): Match =>
        anyOf(patterns.map((p) => matchAction(p, action)));
    const m = statement.action ? matches(statement.action) : negate(matches(statement.notAction!));
    return m !== "no";
}

/** Might a Resource pattern name something of this service (`*`, or its service segment matches)? */
export function mayNameService(pattern: string, service: string): boolean {
    if (pattern === "*") return true;
    const segments = arnSegments(pattern);
    if (segments.length < 3) return pattern.endsWith("*");
    const glob = new RegExp(
        `^${segments[2]
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
    );
    return glob.test(service) || (segments.length === 3 && segments[2].endsWith("*"));
}

/** Might the statement's resources name something of this service? NotResource always might. */
export function mayReachService(statement: Statement, service: string): boolean {
    return statement.notResource !== undefined || statement.resource!.some((p) => mayNameService(p, service));
}

export interface PolicyReading {
    /** Problems that make IAM refuse the document, empty when it is valid. */
    readonly problems: readonly string[];
    readonly statements: readonly Statement[];
}

/** Parses a document found on a resource; malformed ones yield their problems and no statements. */
export function readPolicy(document: unknown): PolicyReading {
    const parsed = parsePolicyDocument(document);
    return parsed.ok
        ? { problems: [], statements: parsed.statements }
        : { problems: parsed.problems, statements: [] };
}

/** Allow statements whose actions might include rds-db:connect (their resources may still name something else). */
export function connectGrants(statements: readonly Statement[]): Statement[] {
    return statements.filter((s) => s.effect === "Allow" && mayCoverAction(s, CONNECT));
}

/** The RDS control actions an Allow statement might grant, when its resources might be RDS resources. */
export function rdsControlGranted(statement: Statement): string[] {
    if (statement.effect !== "Allow" || !mayReachService(statement, "rds")) return [];
    return RDS_CONTROL_ACTIONS.filter((a) => mayCoverAction(statement, a));
}
