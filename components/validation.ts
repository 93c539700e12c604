/**
 * Pure validation of database user names, database names and privileges. Shared by the dynamic
 * provider's `check()` and by the components at construction time, so a bad input is refused with
 * the same words at preview time and never reaches SQL.
 *
 * Every function returns failures as `{ property, reason }` (the shape of a dynamic provider
 * CheckFailure); each reason names what is wrong and how to fix it.
 */
import { Engine, EngineFamily, engineFamily, isEngine, maxUsernameLength, ENGINES } from "./engines";

export interface ValidationFailure {
    readonly property: string;
    readonly reason: string;
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

/**
 * Privileges a `DatabaseUser` may be given, per engine family.
 *
 * MySQL/MariaDB: privileges on every object of the user's database (`GRANT … ON \`db\`.*`);
 * `ALL` means `ALL PRIVILEGES` on that database only, never global ones.
 *
 * PostgreSQL: `CONNECT` on the database is always granted. `CREATE` and `TEMPORARY` are database
 * privileges; the others are table privileges on every table of schema `public` (present and
 * future ones created by the master user); `ALL` means every table privilege.
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

/** PostgreSQL privileges that apply to the database rather than to tables. */
export const POSTGRES_DATABASE_PRIVILEGES: readonly string[] = ["CREATE", "TEMPORARY"];

/** Upper-cases, trims inner whitespace, de-duplicates and sorts, so equal sets compare equal. */
export function normalizePrivileges(privileges: readonly string[] | undefined): string[] {
    const set = new Set((privileges ?? []).map((p) => p.trim().replace(/\s+/g, " ").toUpperCase()));
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

function identifierFailures(
    kind: string,
    value: unknown,
    property: string,
    maxLength: number,
    engine: string,
): ValidationFailure[] {
    if (typeof value !== "string") {
        return [
            {
                property,
                reason: `${kind} must be a string, got ${value === undefined ? "nothing" : typeof value}`,
            },
        ];
    }
    if (value.length === 0) {
        return [{ property, reason: `${kind} is empty; give a name of letters, digits and underscores` }];
    }
    if (value.length > maxLength) {
        return [
            {
                property,
                reason: `${kind} "${value}" is ${value.length} characters; ${engine} allows at most ${maxLength}`,
            },
        ];
    }
    if (!IDENTIFIER.test(value)) {
        const bad = [...value].find((ch) => !/[A-Za-z0-9_]/.test(ch));
        const why = bad === undefined ? "must not start with a digit" : `contains ${describeCharacter(bad)}`;
        return [
            {
                property,
                reason: `${kind} ${JSON.stringify(value)} ${why}; use only ASCII letters, digits and underscores, starting with a letter or underscore`,
            },
        ];
    }
    return [];
}

/**
 * Validates one IAM database user name: charset, length per engine, names reserved by RDS or the
 * engine, and the master user's own name (IAM auth on the master would lock it out of password login).
 */
export function validateUsername(
    engine: Engine,
    username: unknown,
    property = "username",
    masterUsername?: string,
): ValidationFailure[] {
    const failures = identifierFailures("username", username, property, maxUsernameLength(engine), engine);
    if (failures.length > 0) {
        return failures;
    }
    const name = username as string;
    const lower = name.toLowerCase();
    if (RESERVED_USERNAMES.includes(lower) || lower.startsWith("rds") || lower.startsWith("mysql")) {
        return [
            {
                property,
                reason: `username "${name}" is reserved by RDS or the engine; choose another name (not root, postgres, rds*, mysql*)`,
            },
        ];
    }
    if (engineFamily(engine) === "postgres" && lower.startsWith("pg_")) {
        return [
            {
                property,
                reason: `username "${name}" starts with "pg_", which PostgreSQL reserves for system roles; choose another name`,
            },
        ];
    }
    if (masterUsername !== undefined && name === masterUsername) {
        return [
            {
                property,
                reason: `username "${name}" is the master user; IAM authentication would lock it out of password login. Create a separate user for IAM`,
            },
        ];
    }
    return [];
}

/** Validates a database name the user's privileges apply to (MySQL 64 characters, PostgreSQL 63). */
export function validateDatabaseName(
    engine: Engine,
    database: unknown,
    property = "database",
): ValidationFailure[] {
    return identifierFailures(
        "database name",
        database,
        property,
        engineFamily(engine) === "postgres" ? 63 : 64,
        engine,
    );
}

/** Validates privileges against the engine's vocabulary (case-insensitive). */
export function validatePrivileges(
    engine: Engine,
    privileges: unknown,
    property = "privileges",
): ValidationFailure[] {
    if (privileges === undefined) {
        return [];
    }
    if (!Array.isArray(privileges)) {
        return [{ property, reason: `privileges must be a list of strings such as ["SELECT", "INSERT"]` }];
    }
    const vocabulary = PRIVILEGES[engineFamily(engine)];
    const failures: ValidationFailure[] = [];
    privileges.forEach((p: unknown, i: number) => {
        const normalized = typeof p === "string" ? p.trim().replace(/\s+/g, " ").toUpperCase() : undefined;
        if (normalized === undefined || !vocabulary.includes(normalized)) {
            failures.push({
                property: `${property}[${i}]`,
                reason: `unknown privilege ${JSON.stringify(p)} for ${engine}; use one of ${vocabulary.join(", ")}`,
            });
        }
    });
    return failures;
}
