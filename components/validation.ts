/**
 * Pure validation of database user names, database names and privileges. Shared by the dynamic
 * provider's `check()` and by the components at construction time, so a bad input is refused with
 * the same words at preview time and never reaches SQL.
 *
 * Each rule is written once, as a field validator returning `Problem`s: a stable `code` callers
 * may branch on, and a `reason` for people that names what is wrong and how to fix it. The
 * `validate*` functions attach a property path and return `{ property, reason }` (the shape of a
 * dynamic provider CheckFailure).
 */
import { Engine, EngineFamily, ENGINES, ENGINE_FACTS, isEngine } from "./engines";
import { pgPrivilegeProblems } from "./provider/postgres/privilegeProblems";
import { canonicalEntry, normalizePgPrivileges } from "./provider/postgres/vocabulary";

export interface ValidationFailure {
    readonly property: string;
    readonly reason: string;
}

/** What kind of problem a value has; stable, for code that reacts to one kind (not to message text). */
export type ProblemCode =
    | "unknown-engine"
    | "not-a-string"
    | "empty"
    | "too-long"
    | "bad-characters"
    | "reserved-name"
    | "system-role-name"
    | "master-user"
    | "system-database"
    | "not-a-list"
    | "unknown-privilege"
    | "privileges-need-database"
    | "bad-version"
    | "unsupported-version"
    | "system-schema"
    | "conflicting-owner"
    | "owner-without-table-privileges"
    | "not-pem"
    | "no-iam-authentication"
    | "bad-host"
    | "bad-port";

export interface Problem {
    readonly code: ProblemCode;
    readonly reason: string;
    /** Appended to the property path, e.g. "[3]" for one element of a list. */
    readonly at?: string;
}

/** The problems as failures of `property` (element problems get their index appended). */
export function failuresAt(property: string, problems: readonly Problem[]): ValidationFailure[] {
    return problems.map((p) => ({ property: property + (p.at ?? ""), reason: p.reason }));
}

/** Letters, digits and underscores, not starting with a digit: safe in SQL, IAM ARNs and shells. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Names RDS keeps for itself or that every engine already has. An array, not a Set: the provider
 * is serialized into the state, and closure serialization does not carry Set objects.
 */
const RESERVED_USERNAMES: readonly string[] = [
    "rdsadmin",
    "rdsrepladmin",
    "rdsproxyadmin",
    "rdstopmgr",
    "rds_superuser",
    "rds_iam",
    "rds_replication",
    "rds_password",
    "postgres",
    "root",
    "admin_rds",
    "public",
    "none",
    "current_user",
    "session_user",
    "current_role",
];

/** Why each system database must not be granted to an IAM user. */
const SYSTEM_DATABASE_REASONS: Readonly<Record<string, string>> = {
    mysql: "holds the server's accounts and their password hashes",
    information_schema: "is the server's catalog, not a database of yours",
    performance_schema: "holds server instrumentation, including other sessions' statements",
    sys: "holds views over performance_schema and the server's internals",
    template0: "is PostgreSQL's pristine template and accepts no connections",
    template1: "is the template every new database is copied from, so grants there spread to new databases",
    rdsadmin: "belongs to RDS's own management user",
};

/**
 * Privileges a `DatabaseUser` may be given, per engine family.
 *
 * MySQL/MariaDB: privileges on every object of the user's database (`GRANT … ON \`db\`.*`);
 * `ALL` means `ALL PRIVILEGES` on that database only, never global ones.
 *
 * PostgreSQL: `CONNECT` on the database is always granted. `CREATE` and `TEMPORARY` are database
 * privileges; the others are table privileges on every table of schema `public` (present and
 * future ones created by the master user); `ALL` means every table privilege. Beside these words,
 * scoped entries name a schema or the tables' owner (provider/postgres/vocabulary.ts):
 * `SELECT IN SCHEMA app`, `USAGE ON SCHEMA app`, `CREATE ON SCHEMA app`, `FOR ROLE app_owner`.
 */
export const PRIVILEGES: Readonly<Record<EngineFamily, readonly string[]>> = {
    mysql: [
        "ALL",
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "CREATE",
        "DROP",
        "INDEX",
        "ALTER",
        "CREATE TEMPORARY TABLES",
        "LOCK TABLES",
        "EXECUTE",
        "CREATE VIEW",
        "SHOW VIEW",
        "CREATE ROUTINE",
        "ALTER ROUTINE",
        "EVENT",
        "TRIGGER",
        "REFERENCES",
    ],
    postgres: [
        "ALL",
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "TRUNCATE",
        "REFERENCES",
        "TRIGGER",
        "CREATE",
        "TEMPORARY",
    ],
};

/**
 * Upper-cases keywords (schema and role names keep their case), trims inner whitespace,
 * de-duplicates and sorts, so equal sets compare equal. Given the engine, it also writes the set
 * the way the server reads it back: privileges `ALL` covers are dropped next to it, and every one
 * of them listed one by one becomes `ALL` (so `["ALL", "SELECT"]` and the full list both store
 * `["ALL"]`, and a refresh shows no difference); PostgreSQL's scoped entries get one spelling each.
 */
export function normalizePrivileges(privileges: readonly string[] | undefined, engine?: Engine): string[] {
    const family = engine !== undefined && isEngine(engine) ? ENGINE_FACTS[engine].family : undefined;
    if (family === "postgres") return normalizePgPrivileges(privileges ?? []);
    const set = new Set((privileges ?? []).map(canonicalEntry));
    if (family === "mysql") {
        const covered = PRIVILEGES.mysql.filter((p) => p !== "ALL");
        if (covered.every((p) => set.has(p))) set.add("ALL");
        if (set.has("ALL")) covered.forEach((p) => set.delete(p));
    }
    return [...set].sort();
}

export function validateEngine(engine: unknown, property = "engine"): ValidationFailure[] {
    if (isEngine(engine)) {
        return [];
    }
    return [
        { property, reason: `unknown engine ${JSON.stringify(engine)}; use one of ${ENGINES.join(", ")}` },
    ];
}

/** Describes a character that is not plain ASCII, e.g. `"ｒ" (U+FF52)`, for error messages. */
function describeCharacter(ch: string): string {
    const code = ch.codePointAt(0) ?? 0;
    const printable = code >= 0x20 && code !== 0x7f && !/\s/.test(ch);
    return `${printable ? JSON.stringify(ch) + " " : ""}(U+${code.toString(16).toUpperCase().padStart(4, "0")})`;
}

/** Type, emptiness, length and charset of an identifier. */
function identifierProblems(kind: string, value: unknown, maxLength: number, engine: string): Problem[] {
    if (typeof value !== "string") {
        return [
            {
                code: "not-a-string",
                reason: `${kind} must be a string, got ${value === undefined ? "nothing" : typeof value}`,
            },
        ];
    }
    if (value.length === 0) {
        return [
            { code: "empty", reason: `${kind} is empty; give a name of letters, digits and underscores` },
        ];
    }
    if (value.length > maxLength) {
        return [
            {
                code: "too-long",
                reason: `${kind} "${value}" is ${value.length} characters; ${engine} allows at most ${maxLength}`,
            },
        ];
    }
    if (!IDENTIFIER.test(value)) {
        const bad = [...value].find((ch) => !/[A-Za-z0-9_]/.test(ch));
        const why = bad === undefined ? "must not start with a digit" : `contains ${describeCharacter(bad)}`;
        return [
            {
                code: "bad-characters",
                reason: `${kind} ${JSON.stringify(value)} ${why}; use only ASCII letters, digits and underscores, starting with a letter or underscore`,
            },
        ];
    }
    return [];
}

/**
 * The problems of one IAM database user name: charset, length per engine, names reserved by RDS or
 * the engine, and the master user's own name (IAM auth on the master would lock it out of password
 * login) when `masterUsername` is given.
 */
export function usernameProblems(engine: Engine, username: unknown, masterUsername?: string): Problem[] {
    const problems = identifierProblems("username", username, ENGINE_FACTS[engine].maxUsernameLength, engine);
    if (problems.length > 0) {
        return problems;
    }
    const name = username as string;
    const lower = name.toLowerCase();
    if (RESERVED_USERNAMES.includes(lower) || lower.startsWith("rds") || lower.startsWith("mysql")) {
        return [
            {
                code: "reserved-name",
                reason: `username "${name}" is reserved by RDS or the engine; choose another name (not root, postgres, rds*, mysql*)`,
            },
        ];
    }
    const prefix = ENGINE_FACTS[engine].reservedUsernamePrefixes.find((p) => lower.startsWith(p));
    if (prefix !== undefined) {
        return [
            {
                code: "system-role-name",
                reason: `username "${name}" starts with "${prefix}", which ${ENGINE_FACTS[engine].title} reserves for system roles; choose another name`,
            },
        ];
    }
    if (masterUsername !== undefined && name === masterUsername) {
        return [
            {
                code: "master-user",
                reason: `username "${name}" is the master user; IAM authentication would lock it out of password login. Create a separate user for IAM`,
            },
        ];
    }
    return [];
}

/** The problems of a database name the user's privileges apply to: identifier rules and system databases. */
export function databaseNameProblems(engine: Engine, database: unknown): Problem[] {
    const facts = ENGINE_FACTS[engine];
    const problems = identifierProblems("database name", database, facts.maxDatabaseNameLength, engine);
    if (problems.length > 0) {
        return problems;
    }
    const lower = (database as string).toLowerCase();
    if (facts.systemDatabases.includes(lower)) {
        return [
            {
                code: "system-database",
                reason: `database "${database as string}" is a system database of ${facts.title}: it ${SYSTEM_DATABASE_REASONS[lower]}. Grant privileges on a database of your own`,
            },
        ];
    }
    return [];
}

/** The problems of a privilege list against the engine's vocabulary (case-insensitive); element problems carry their index. */
export function privilegeProblems(engine: Engine, privileges: unknown): Problem[] {
    if (privileges === undefined) {
        return [];
    }
    if (!Array.isArray(privileges)) {
        return [
            {
                code: "not-a-list",
                reason: `privileges must be a list of strings such as ["SELECT", "INSERT"]`,
            },
        ];
    }
    if (ENGINE_FACTS[engine].family === "postgres") {
        return pgPrivilegeProblems(engine, privileges, {
            username: (name) => usernameProblems(engine, name),
            identifier: (kind, value) =>
                identifierProblems(kind, value, ENGINE_FACTS[engine].maxDatabaseNameLength, engine),
        });
    }
    const problems: Problem[] = [];
    privileges.forEach((p: unknown, i: number) => {
        if (typeof p !== "string" || !PRIVILEGES.mysql.includes(canonicalEntry(p))) {
            problems.push({
                code: "unknown-privilege",
                at: `[${i}]`,
                reason: `unknown privilege ${JSON.stringify(p)} for ${engine}; use one of ${PRIVILEGES.mysql.join(", ")}`,
            });
        }
    });
    return problems;
}

/**
 * MySQL/MariaDB privileges are granted on one database (`db`.*), so a user with privileges needs
 * one; PostgreSQL users default to the "postgres" database. `databaseKey` names the setting to fix.
 */
export function privilegesNeedDatabaseProblems(
    engine: Engine,
    privileges: unknown,
    database: unknown,
    databaseKey: string,
): Problem[] {
    const needs =
        Array.isArray(privileges) &&
        privileges.length > 0 &&
        database === undefined &&
        ENGINE_FACTS[engine].defaultDatabase === undefined;
    return needs
        ? [
              {
                  code: "privileges-need-database",
                  reason: `privileges on ${engine} apply to a database; set ${databaseKey}`,
              },
          ]
        : [];
}

/** Validates one IAM database user name (see `usernameProblems`). */
export function validateUsername(
    engine: Engine,
    username: unknown,
    property = "username",
    masterUsername?: string,
): ValidationFailure[] {
    return failuresAt(property, usernameProblems(engine, username, masterUsername));
}

/** Validates a database name the user's privileges apply to (see `databaseNameProblems`). */
export function validateDatabaseName(
    engine: Engine,
    database: unknown,
    property = "database",
): ValidationFailure[] {
    return failuresAt(property, databaseNameProblems(engine, database));
}

/** Validates privileges against the engine's vocabulary (case-insensitive). */
export function validatePrivileges(
    engine: Engine,
    privileges: unknown,
    property = "privileges",
): ValidationFailure[] {
    return failuresAt(property, privilegeProblems(engine, privileges));
}

/** Values listed twice (each names one child resource): refuse the repeats. Outputs are not known yet. */
export function duplicateFailures(
    property: string,
    values: readonly unknown[] | undefined,
): ValidationFailure[] {
    const seen: string[] = [];
    const failures: ValidationFailure[] = [];
    (values ?? []).forEach((value, i) => {
        if (typeof value !== "string") return;
        if (seen.includes(value)) {
            failures.push({
                property: `${property}[${i}]`,
                reason: `${JSON.stringify(value)} is listed twice; list each value once`,
            });
        }
        seen.push(value);
    });
    return failures;
}

/** A certificate input must be PEM text; anything else would silently trust nothing (or fail late). */
export function pemProblems(value: unknown): Problem[] {
    return typeof value === "string" && value.includes("-----BEGIN CERTIFICATE-----")
        ? []
        : [{ code: "not-pem", reason: "caCertificate must be PEM text (-----BEGIN CERTIFICATE----- …)" }];
}

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/** A DNS name or IP address, e.g. an RDS endpoint or a tunnel's "127.0.0.1". */
export function hostProblems(value: unknown, name = "host"): Problem[] {
    return typeof value === "string" && HOST.test(value)
        ? []
        : [
              {
                  code: "bad-host",
                  reason: `${name} must be a DNS name or IP address such as "127.0.0.1" or "mydb.abc123.us-east-1.rds.amazonaws.com" (got ${JSON.stringify(value)})`,
              },
          ];
}

/** A TCP port. */
export function portProblems(value: unknown, name = "port"): Problem[] {
    return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535
        ? []
        : [
              {
                  code: "bad-port",
                  reason: `${name} must be a whole number from 1 to 65535 (got ${JSON.stringify(value)})`,
              },
          ];
}
