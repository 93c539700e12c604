/**
 * Validation and normalization of DatabaseUser inputs for the provider's check(). Values still
 * unknown during preview are skipped; everything known is checked before any SQL can run.
 */
import { isRegion } from "../awsNames";
import { Engine, engineFacts, engineFamily, isEngine } from "../engines";
import {
    ValidationFailure,
    failuresAt,
    hostProblems,
    normalizePrivileges,
    pemProblems,
    portProblems,
    privilegesNeedDatabaseProblems,
    validateDatabaseName,
    validateEngine,
    validatePrivileges,
    validateUsername,
} from "../validation";
import { parseRdsEndpoint } from "../awsNames";
import { rdsCaCoverageProblem } from "../rdsCa";
import { OwnedObjectsOnDelete } from "./dialect";
import { deletionFailures, ownerFailures, privilegesWithOwner } from "./postgres/inputs";
import { MasterInput, isSecretArn } from "./secrets";

/** What the Pulumi engine passes for a value not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface UserInputs {
    readonly engine: Engine;
    readonly host: string;
    readonly port: number;
    readonly username: string;
    readonly database?: string;
    readonly privileges: string[];
    readonly master: MasterInput;
    readonly region?: string;
    readonly connectHost?: string;
    readonly connectPort?: number;
    readonly caCertificate?: string;
    readonly adopt?: boolean;
    /**
     * MySQL-family engines: this user is the IAM admin (DatabaseArgs.iamAdmin) — an IAM-only account
     * with the master's grantable global privileges, which the other users' provider logs in as.
     */
    readonly iamAdmin?: boolean;
    /** Who manages the user (project/stack/resource), kept as a marker so a retried create knows its own user. */
    readonly managedBy?: string;
    /** PostgreSQL: objects the user owns when it is deleted. */
    readonly ownedObjectsOnDelete?: OwnedObjectsOnDelete;
    /** PostgreSQL, with ownedObjectsOnDelete "reassign": the role that receives them. */
    readonly reassignOwnedTo?: string;
    /** PostgreSQL: whose tables the table privileges cover; stored in privileges as `FOR ROLE <owner>`. */
    readonly owner?: string;
    /** Where the SQL runs: this process, or the runner function inside the database's VPC. */
    readonly sqlRunner?: "deployer" | "lambda";
    /** With sqlRunner "lambda": the runner function's name or unqualified ARN. */
    readonly runnerFunction?: string;
    /** With sqlRunner "lambda": the published version invoked (never $LATEST). */
    readonly runnerVersion?: string;
    /** With sqlRunner "lambda": the CodeSha256 that version must have (rds-iam's package). */
    readonly runnerCodeSha256?: string;
    /** With sqlRunner "lambda": the execution role that version must have. */
    readonly runnerRoleArn?: string;
}

function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

function masterFailures(master: unknown, username: unknown): ValidationFailure[] {
    if (isUnknown(master)) {
        return [];
    }
    if (typeof master !== "object" || master === null) {
        return [
            {
                property: "master",
                reason: "master must be { username, secretArn } or { username, password }",
            },
        ];
    }
    const m = master as Record<string, unknown>;
    const failures: ValidationFailure[] = [];
    if (
        !isUnknown(m.username) &&
        (typeof m.username !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(m.username))
    ) {
        failures.push({
            property: "master.username",
            reason: "master.username must be the RDS master user name (letters, digits, underscores)",
        });
    }
    const hasArn = m.secretArn !== undefined && m.secretArn !== null;
    const hasPassword = m.password !== undefined && m.password !== null;
    const hasIam = m.iamAuth !== undefined && m.iamAuth !== null;
    if (hasIam && !isUnknown(m.iamAuth) && m.iamAuth !== true) {
        failures.push({
            property: "master.iamAuth",
            reason: "master.iamAuth must be true (the master logs in with an IAM token) or left out",
        });
    } else if ([hasArn, hasPassword, hasIam].filter(Boolean).length !== 1) {
        failures.push({
            property: "master",
            reason: "give exactly one of master.secretArn (preferred: the RDS managed secret), master.password or master.iamAuth (an IAM-only master, PostgreSQL engines)",
        });
    } else if (
        hasArn &&
        !isUnknown(m.secretArn) &&
        (typeof m.secretArn !== "string" || !isSecretArn(m.secretArn))
    ) {
        failures.push({
            property: "master.secretArn",
            reason: `master.secretArn must be a Secrets Manager secret ARN such as "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-…" (got ${JSON.stringify(m.secretArn)})`,
        });
    } else if (
        hasPassword &&
        !isUnknown(m.password) &&
        (typeof m.password !== "string" || m.password.length === 0)
    ) {
        failures.push({ property: "master.password", reason: "master.password must be a non-empty string" });
    }
    if (typeof username === "string" && username === m.username) {
        failures.push({
            property: "username",
            reason: `username "${username}" is the master user; IAM authentication would lock it out of password login. Create a separate user for IAM`,
        });
    }
    return failures;
}

/** Every failure of the inputs, each naming the property and the fix. */
export function checkUserInputs(news: Record<string, unknown>): ValidationFailure[] {
    const failures = isUnknown(news.engine) ? [] : validateEngine(news.engine);
    const engine = isEngine(news.engine) ? news.engine : undefined;
    if (!isUnknown(news.host)) failures.push(...failuresAt("host", hostProblems(news.host, "host")));
    if (!isUnknown(news.port)) failures.push(...failuresAt("port", portProblems(news.port, "port")));
    if (engine !== undefined) {
        if (!isUnknown(news.username)) {
            // The master-name check needs the master's name; it is done with the master block below.
            failures.push(...validateUsername(engine, news.username, "username"));
        }
        if (news.database !== undefined && !isUnknown(news.database)) {
            failures.push(...validateDatabaseName(engine, news.database, "database"));
        }
        if (!isUnknown(news.privileges)) {
            const privileges = Array.isArray(news.privileges)
                ? news.privileges.filter((p) => !isUnknown(p))
                : news.privileges;
            failures.push(...validatePrivileges(engine, privileges, "privileges"));
            failures.push(
                ...failuresAt(
                    "database",
                    privilegesNeedDatabaseProblems(engine, privileges, news.database, "database"),
                ),
            );
        }
    }
    // The IAM admin reads and updates itself, logged in as itself with a token (provider.ts).
    const adminSelf =
        news.iamAdmin === true &&
        (news.master as Record<string, unknown> | undefined)?.iamAuth === true &&
        (news.master as Record<string, unknown>).username === news.username;
    failures.push(
        ...masterFailures(
            news.master,
            failures.every((f) => f.property !== "username") && !adminSelf ? news.username : undefined,
        ),
    );
    const master = news.master as Record<string, unknown> | undefined;
    if (master?.iamAuth === true && engine !== undefined && !engineFacts(engine).iamOnlyMaster) {
        // MySQL-family engines: a token login as the IAM admin, which acts for the master (named, so
        // no user of that name is ever made an IAM login: it would lose its password).
        if (typeof master.masterUsername !== "string" && !isUnknown(master.masterUsername))
            failures.push({
                property: "master.masterUsername",
                reason: `with master.iamAuth on ${engine} (which has no IAM-only master), master.username is the IAM admin (DatabaseArgs.iamAdmin) and master.masterUsername must name the database's master user`,
            });
        else if (typeof news.username === "string" && news.username === master.masterUsername)
            failures.push({
                property: "username",
                reason: `username "${news.username}" is the master user; IAM authentication would lock it out of password login. Create a separate user for IAM`,
            });
    }
    if (news.region !== undefined && !isUnknown(news.region) && !isRegion(news.region)) {
        failures.push({
            property: "region",
            reason: `region must be an AWS region such as "us-east-1" (got ${JSON.stringify(news.region)})`,
        });
    }
    if (news.connectHost !== undefined && !isUnknown(news.connectHost))
        failures.push(...failuresAt("connectHost", hostProblems(news.connectHost, "connectHost")));
    if (news.connectPort !== undefined && !isUnknown(news.connectPort))
        failures.push(...failuresAt("connectPort", portProblems(news.connectPort, "connectPort")));
    if (news.caCertificate !== undefined && !isUnknown(news.caCertificate))
        failures.push(...failuresAt("caCertificate", pemProblems(news.caCertificate)));
    failures.push(...iamAdminFailures(news, engine));
    if (news.adopt !== undefined && !isUnknown(news.adopt) && typeof news.adopt !== "boolean") {
        failures.push({ property: "adopt", reason: "adopt must be true or false" });
    }
    failures.push(
        ...awsAccessFailures(news.master),
        ...deletionFailures(news, engine, isUnknown),
        ...ownerFailures(news, engine, isUnknown),
        ...markerFailures(news),
        ...caCoverageFailures(news),
        ...runnerFailures(news),
    );
    return failures;
}

function markerFailures(news: Record<string, unknown>): ValidationFailure[] {
    const value = news.managedBy;
    return value === undefined ||
        isUnknown(value) ||
        (typeof value === "string" && /^[\x20-\x7e]{1,200}$/.test(value))
        ? []
        : [
              {
                  property: "managedBy",
                  reason: "managedBy must be printable ASCII text of at most 200 characters",
              },
          ];
}

const FUNCTION_NAME = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}$/;
const VERSION = /^[1-9][0-9]{0,9}$/;
const SHA256_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * What sqlRunner "lambda" needs: the function, and what the deployer checks before it sends the
 * master password (runner/verify.ts): the published version to invoke, its CodeSha256 and its role.
 * Without "lambda", none of them.
 */
function runnerFailures(news: Record<string, unknown>): ValidationFailure[] {
    const runner = news.sqlRunner;
    if (isUnknown(runner)) return [];
    if (runner !== undefined && runner !== "deployer" && runner !== "lambda") {
        return [
            {
                property: "sqlRunner",
                reason: `sqlRunner must be "deployer" or "lambda" (got ${JSON.stringify(runner)})`,
            },
        ];
    }
    const fields = ["runnerFunction", "runnerVersion", "runnerCodeSha256", "runnerRoleArn"] as const;
    if (runner !== "lambda") {
        return fields
            .filter((f) => news[f] !== undefined)
            .map((property) => ({
                property,
                reason: `${property} is only used with sqlRunner: "lambda"; remove it or set that`,
            }));
    }
    const rules: Record<(typeof fields)[number], [RegExp, string]> = {
        runnerFunction: [
            FUNCTION_NAME,
            "the name or unqualified ARN of the SQL runner function (a SqlRunner's functionArn)",
        ],
        runnerVersion: [
            VERSION,
            "the published version of the runner to invoke (a SqlRunner's version): never $LATEST or an alias, whose code can change under it",
        ],
        runnerCodeSha256: [
            SHA256_BASE64,
            "the CodeSha256 that version must have (a SqlRunner's codeSha256: base64 SHA-256 of rds-iam's .zip)",
        ],
        runnerRoleArn: [ROLE_ARN, "the execution role that version must have (a SqlRunner's roleArn)"],
    };
    return fields
        .filter((f) => !isUnknown(news[f]))
        .filter((f) => typeof news[f] !== "string" || !rules[f][0].test(news[f] as string))
        .map((property) => ({
            property,
            reason: `sqlRunner "lambda" needs ${property}: ${rules[property][1]} (got ${JSON.stringify(news[property])})`,
        }));
}

/** Without caCertificate, the RDS CA bundle must cover the database's region (see rdsCa.ts). */
function caCoverageFailures(news: Record<string, unknown>): ValidationFailure[] {
    if (news.caCertificate !== undefined || typeof news.host !== "string") return [];
    const region = parseRdsEndpoint(news.host)?.region ?? (isRegion(news.region) ? news.region : undefined);
    const problem =
        region === undefined ? undefined : rdsCaCoverageProblem(news.host, region, "caCertificate");
    return problem === undefined ? [] : [{ property: "caCertificate", reason: problem }];
}

/**
 * The inputs as the provider stores them: privileges normalized (PostgreSQL: `owner` written into
 * them as `FOR ROLE <owner>`, the master's own name left out), PostgreSQL database defaulted.
 */
export function normalizeUserInputs(news: Record<string, unknown>): Record<string, unknown> {
    const engine = news.engine;
    const normalized =
        Array.isArray(news.privileges) && !news.privileges.some(isUnknown)
            ? normalizePrivileges(news.privileges as string[], isEngine(engine) ? engine : undefined)
            : (news.privileges ?? []);
    const privileges =
        isEngine(engine) && engineFamily(engine) === "postgres" && Array.isArray(normalized)
            ? privilegesWithOwner(normalized as string[], news.owner, news.master, isUnknown, UNKNOWN)
            : normalized;
    const database =
        news.database ?? (isEngine(engine) && engineFamily(engine) === "postgres" ? "postgres" : undefined);
    return { ...news, privileges, ...(database === undefined ? {} : { database }) };
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const PROFILE = /^[\w.@+-]{1,128}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** master.aws: the stack's AWS settings, as names only (profile, files, roles to assume). */
function awsAccessFailures(master: unknown): ValidationFailure[] {
    const access =
        typeof master === "object" && master !== null ? (master as Record<string, unknown>).aws : undefined;
    if (access === undefined || access === null || isUnknown(access)) return [];
    const at = "master.aws";
    if (typeof access !== "object") {
        return [
            {
                property: at,
                reason: `${at} must be { profile?, sharedConfigFiles?, sharedCredentialsFiles?, assumeRoles? }`,
            },
        ];
    }
    const a = access as Record<string, unknown>;
    const failures: ValidationFailure[] = [];
    const known = ["profile", "sharedConfigFiles", "sharedCredentialsFiles", "assumeRoles"];
    for (const key of Object.keys(a).filter((k) => !known.includes(k))) {
        failures.push({
            property: `${at}.${key}`,
            reason: `unknown setting "${key}"; use ${known.join(", ")} (names only: never keys)`,
        });
    }
    if (
        a.profile !== undefined &&
        !isUnknown(a.profile) &&
        (typeof a.profile !== "string" || !PROFILE.test(a.profile))
    ) {
        failures.push({
            property: `${at}.profile`,
            reason: `${at}.profile must be a profile name of the shared AWS config files (got ${JSON.stringify(a.profile)})`,
        });
    }
    for (const files of ["sharedConfigFiles", "sharedCredentialsFiles"]) {
        const v = a[files];
        if (
            v !== undefined &&
            !isUnknown(v) &&
            (!Array.isArray(v) || v.some((f) => typeof f !== "string" || f.length === 0))
        ) {
            failures.push({
                property: `${at}.${files}`,
                reason: `${at}.${files} must be a list of file paths`,
            });
        }
    }
    if (a.assumeRoles !== undefined && !isUnknown(a.assumeRoles)) {
        if (!Array.isArray(a.assumeRoles)) {
            failures.push({
                property: `${at}.assumeRoles`,
                reason: `${at}.assumeRoles must be a list of { roleArn, sessionName?, externalId? }`,
            });
        } else {
            a.assumeRoles.forEach((role: unknown, i: number) => {
                const r = (typeof role === "object" && role !== null ? role : {}) as Record<string, unknown>;
                const p = `${at}.assumeRoles[${i}]`;
                if (!isUnknown(r.roleArn) && (typeof r.roleArn !== "string" || !ROLE_ARN.test(r.roleArn))) {
                    failures.push({
                        property: `${p}.roleArn`,
                        reason: `${p}.roleArn must be an IAM role ARN such as "arn:aws:iam::123456789012:role/deployer" (got ${JSON.stringify(r.roleArn)})`,
                    });
                }
                if (
                    r.sessionName !== undefined &&
                    !isUnknown(r.sessionName) &&
                    (typeof r.sessionName !== "string" || !SESSION_NAME.test(r.sessionName))
                ) {
                    failures.push({
                        property: `${p}.sessionName`,
                        reason: `${p}.sessionName must be 2 to 64 letters, digits or +=,.@_-`,
                    });
                }
                if (
                    r.externalId !== undefined &&
                    !isUnknown(r.externalId) &&
                    (typeof r.externalId !== "string" || !EXTERNAL_ID.test(r.externalId))
                ) {
                    failures.push({
                        property: `${p}.externalId`,
                        reason: `${p}.externalId must be 2 to 1224 letters, digits or +=,.@:/_-`,
                    });
                }
            });
        }
    }
    return failures;
}

/** iamAdmin: the IAM admin itself, on MySQL-family engines, with no privileges of the vocabulary. */
function iamAdminFailures(news: Record<string, unknown>, engine: Engine | undefined): ValidationFailure[] {
    if (news.iamAdmin === undefined || isUnknown(news.iamAdmin)) return [];
    if (typeof news.iamAdmin !== "boolean")
        return [{ property: "iamAdmin", reason: "iamAdmin must be true or false" }];
    if (!news.iamAdmin) return [];
    const failures: ValidationFailure[] = [];
    if (engine !== undefined && engineFamily(engine) === "postgres")
        failures.push({
            property: "iamAdmin",
            reason: `an IAM admin user is offered on MySQL-family engines; on ${engine} use the IAM-only master (masterPassword "iam")`,
        });
    if (Array.isArray(news.privileges) && news.privileges.length > 0)
        failures.push({
            property: "privileges",
            reason: "the IAM admin gets the master's global privileges, not a list: leave privileges empty",
        });
    const master = news.master as Record<string, unknown> | undefined;
    if (master?.iamAuth === true && master.username !== news.username)
        failures.push({
            property: "master",
            reason: "the IAM admin is created by the master with its password (master.secretArn or master.password), not with another user's token",
        });
    return failures;
}
