/**
 * Who may read the RDS-managed master secrets. With `manageMasterUserPassword` RDS keeps each
 * database's master password in a Secrets Manager secret named `rds!db-…` or `rds!cluster-…`;
 * reading it (secretsmanager:GetSecretValue) is a password login as master, around IAM database
 * authentication. Under the "most-access" assumption of lib/grants: any spelling of the action
 * (wildcards, NotAction) and any resource pattern that matches more than one such secret counts. Pure.
 */
import { mayCoverAction, mayNameService } from "./grants";
import { Statement, arnSegments, matchArn } from "./iam";

export const GET_SECRET_VALUE = "secretsmanager:GetSecretValue";

/**
 * Names of master secrets of four unrelated databases (RDS appends a random suffix). A pattern that
 * matches two or more of them names a class of secrets, not one database's: `*`, `secret:*`,
 * `secret:rds!*`, `secret:rds!db-*`. A pattern naming one secret (`secret:rds!db-1a2b…-*`) matches none.
 */
const PROBES = [
    "secret:rds!db-3f1c8a52-8d0e-4a51-9b6e-0c2d7e9a1b4f-Qw3rTy",
    "secret:rds!db-9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b-Zx9cVb",
    "secret:rds!cluster-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d-As5dFg",
    "secret:rds!cluster-7f6e5d4c-3b2a-4f1e-9d0c-8b7a6f5e4d3c-Hj6kLm",
];

/** Does this Resource pattern reach the master secrets of more than one database? */
export function reachesMasterSecrets(pattern: string): boolean {
    if (pattern === "*") return true;
    if (!mayNameService(pattern, "secretsmanager")) return false;
    const segments = arnSegments(pattern);
    if (segments.length < 6) return pattern.endsWith("*"); // e.g. "arn:aws:secretsmanager:*": the * runs on
    const prefix = segments.slice(0, 5).join(":");
    return PROBES.filter((probe) => matchArn(pattern, `${prefix}:${probe}`) !== "no").length >= 2;
}

/**
 * How an Allow statement may read the master secrets of every database it reaches, as written
 * (`"*"`, `"arn:aws:secretsmanager:*:*:secret:rds!*"`, `every secret but […]`); empty when it cannot.
 */
export function masterSecretReach(statement: Statement): string[] {
    if (statement.effect !== "Allow" || !mayCoverAction(statement, GET_SECRET_VALUE)) return [];
    if (statement.notResource) return [`every secret but ${JSON.stringify(statement.notResource)}`];
    return statement.resource!.filter(reachesMasterSecrets).map((r) => JSON.stringify(r));
}
