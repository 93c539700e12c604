/**
 * Facts about the database engines rds-iam supports, in one table that everything asks: the SQL
 * family (dialect and driver), port, the parameter that forces TLS, identifier limits, system
 * databases, which versions have IAM authentication, how versions are written and which one is the
 * default, and the parameter-group family of a version. No other file branches on an engine's name.
 */

/** The engines a `Database` can run. */
export type Engine = "mysql" | "mariadb" | "postgres" | "aurora-mysql" | "aurora-postgresql";

/** The SQL dialect / wire protocol an engine speaks. */
export type EngineFamily = "mysql" | "postgres";

/** How an engine version is resolved when only a major version (or nothing) is given. */
export type VersionPolicy =
    /** RDS instances accept a major version ("8.4", "17") and pick its default minor; the AWS provider reads a prefix as matching the running version, so auto minor upgrades cause no diff. */
    | "major"
    /** Aurora clusters need a full version: it is resolved at deploy time (aws.rds.getEngineVersion, by parameter-group family, AWS's default) and later changes are ignored. */
    | "resolve";

export interface EngineFacts {
    readonly engine: Engine;
    readonly family: EngineFamily;
    /** Aurora engines create a cluster with cluster instances; the others one DB instance. */
    readonly aurora: boolean;
    /** Display name, e.g. "Aurora PostgreSQL". */
    readonly title: string;
    readonly port: number;
    /** The parameter (set to "1") that makes the server refuse connections without TLS. */
    readonly tlsParameter: string;
    /**
     * The value of `tlsParameter` that forces TLS: "1", or "ON" for Aurora MySQL cluster parameter
     * groups, which take require_secure_transport as ON/OFF (prowler-cloud/prowler#4116,
     * fleetdm/fleet#40211): "1" there is refused or stored as ON and then differs on every plan.
     */
    readonly tlsValue: string;
    /** Longest user name the engine accepts (MySQL 8 / MariaDB: 32 characters, PostgreSQL: 63 bytes). */
    readonly maxUsernameLength: number;
    /** Longest database name (MySQL/MariaDB 64, PostgreSQL 63). */
    readonly maxDatabaseNameLength: number;
    /** User-name prefixes the engine keeps for its own roles (PostgreSQL's "pg_"). */
    readonly reservedUsernamePrefixes: readonly string[];
    /** Databases of the engine or of RDS that IAM users must never be granted. */
    readonly systemDatabases: readonly string[];
    /** The database privileges apply to when none is named (PostgreSQL's "postgres"); none on MySQL/MariaDB. */
    readonly defaultDatabase?: string;
    /** The engine of the other kind (instance ↔ Aurora), for messages. */
    readonly counterpart: Engine;
    /** The major version a new database gets (2026: all in RDS standard support). */
    readonly defaultMajorVersion: string;
    readonly versionPolicy: VersionPolicy;
    /** A major version as RDS writes it for this engine, e.g. "8.4", "17", "8.0" (Aurora MySQL 3). */
    readonly majorVersionPattern: RegExp;
    /** A full version, e.g. "8.4.5", "17.4", "8.0.mysql_aurora.3.10.0". */
    readonly fullVersionPattern: RegExp;
    /** Example versions for messages: a major and a full one. */
    readonly versionExamples: readonly [string, string];
    /**
     * Oldest major version with IAM database authentication, or undefined when every version RDS
     * offers has it. Source: "Supported Regions and DB engines for IAM database authentication"
     * (RDS User Guide, Concepts.RDS_Fea_Regions_DB-eng.Feature.IamDatabaseAuthentication; Aurora
     * User Guide, Concepts.Aurora_Fea_Regions_DB-eng.Feature.IAMdbauth).
     */
    readonly iamMinimumMajorVersion?: string;
    /** Smallest Graviton instance class that supports IAM authentication for this kind of database. */
    readonly defaultInstanceClass: string;
    /**
     * The longest master password the create call takes (RDS API Reference, CreateDBInstance and
     * CreateDBCluster, MasterUserPassword: 8 to 41 characters, 8 to 128 on RDS for PostgreSQL).
     */
    readonly maxMasterPasswordLength: number;
    /**
     * RDS offers an IAM-only master (MasterUserAuthenticationType iam-db-auth): "only valid for RDS
     * for PostgreSQL and Aurora PostgreSQL engines" (RDS API Reference, ModifyDBInstance/ModifyDBCluster).
     */
    readonly iamOnlyMaster: boolean;
}

/** What every engine of a family shares: wire protocol, port, TLS parameter, identifier rules, system databases. */
type FamilyFacts = Pick<
    EngineFacts,
    | "family"
    | "port"
    | "tlsParameter"
    | "tlsValue"
    | "maxUsernameLength"
    | "maxDatabaseNameLength"
    | "reservedUsernamePrefixes"
    | "systemDatabases"
    | "defaultDatabase"
>;

const MYSQL_FAMILY: FamilyFacts = {
    family: "mysql",
    port: 3306,
    tlsParameter: "require_secure_transport",
    tlsValue: "1",
    maxUsernameLength: 32,
    maxDatabaseNameLength: 64,
    reservedUsernamePrefixes: [],
    systemDatabases: ["mysql", "information_schema", "performance_schema", "sys"],
};

const POSTGRES_FAMILY: FamilyFacts = {
    family: "postgres",
    port: 5432,
    tlsParameter: "rds.force_ssl",
    tlsValue: "1",
    maxUsernameLength: 63,
    maxDatabaseNameLength: 63,
    reservedUsernamePrefixes: ["pg_"],
    systemDatabases: ["template0", "template1", "rdsadmin"],
    defaultDatabase: "postgres",
};

/**
 * The table. MariaDB before 10.11 has no IAM authentication on RDS ("Not available" for 10.4, 10.5
 * and 10.6 in the RDS User Guide's table); Aurora MySQL 2 (5.7) and 3 (8.0) and Aurora PostgreSQL
 * 11 and later have it in all regions (Aurora User Guide).
 */
export const ENGINE_FACTS: Readonly<Record<Engine, EngineFacts>> = {
    mysql: {
        engine: "mysql",
        ...MYSQL_FAMILY,
        aurora: false,
        title: "MySQL",
        counterpart: "aurora-mysql",
        defaultMajorVersion: "8.4",
        versionPolicy: "major",
        majorVersionPattern: /^\d+\.\d+$/,
        fullVersionPattern: /^\d+\.\d+\.\d+$/,
        versionExamples: ["8.4", "8.4.5"],
        defaultInstanceClass: "db.t4g.micro",
        maxMasterPasswordLength: 41,
        iamOnlyMaster: false,
    },
    mariadb: {
        engine: "mariadb",
        ...MYSQL_FAMILY,
        aurora: false,
        title: "MariaDB",
        counterpart: "aurora-mysql",
        defaultMajorVersion: "11.4",
        versionPolicy: "major",
        majorVersionPattern: /^\d+\.\d+$/,
        fullVersionPattern: /^\d+\.\d+\.\d+$/,
        versionExamples: ["11.4", "11.4.5"],
        iamMinimumMajorVersion: "10.11",
        defaultInstanceClass: "db.t4g.micro",
        maxMasterPasswordLength: 41,
        iamOnlyMaster: false,
    },
    postgres: {
        engine: "postgres",
        ...POSTGRES_FAMILY,
        aurora: false,
        title: "PostgreSQL",
        counterpart: "aurora-postgresql",
        defaultMajorVersion: "17",
        versionPolicy: "major",
        majorVersionPattern: /^\d+$/,
        fullVersionPattern: /^\d+\.\d+$/,
        versionExamples: ["17", "17.4"],
        defaultInstanceClass: "db.t4g.micro",
        maxMasterPasswordLength: 128,
        iamOnlyMaster: true,
    },
    "aurora-mysql": {
        engine: "aurora-mysql",
        ...MYSQL_FAMILY,
        tlsValue: "ON",
        aurora: true,
        title: "Aurora MySQL",
        counterpart: "mysql",
        defaultMajorVersion: "8.0",
        versionPolicy: "resolve",
        majorVersionPattern: /^\d+\.\d+$/,
        fullVersionPattern: /^\d+\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$/,
        versionExamples: ["8.0", "8.0.mysql_aurora.3.10.0"],
        iamMinimumMajorVersion: "5.7",
        defaultInstanceClass: "db.t4g.medium",
        maxMasterPasswordLength: 41,
        iamOnlyMaster: false,
    },
    "aurora-postgresql": {
        engine: "aurora-postgresql",
        ...POSTGRES_FAMILY,
        aurora: true,
        title: "Aurora PostgreSQL",
        counterpart: "postgres",
        defaultMajorVersion: "17",
        versionPolicy: "resolve",
        majorVersionPattern: /^\d+$/,
        fullVersionPattern: /^\d+\.\d+$/,
        versionExamples: ["17", "17.4"],
        iamMinimumMajorVersion: "11",
        defaultInstanceClass: "db.t4g.medium",
        maxMasterPasswordLength: 41,
        iamOnlyMaster: true,
    },
};

export const ENGINES: readonly Engine[] = Object.keys(ENGINE_FACTS) as Engine[];

export function isEngine(value: unknown): value is Engine {
    return typeof value === "string" && Object.prototype.hasOwnProperty.call(ENGINE_FACTS, value);
}

/** The facts of one engine. */
export function engineFacts(engine: Engine): EngineFacts {
    return ENGINE_FACTS[engine];
}

export function engineFamily(engine: Engine): EngineFamily {
    return ENGINE_FACTS[engine].family;
}

export function isAurora(engine: Engine): boolean {
    return ENGINE_FACTS[engine].aurora;
}

export function defaultPort(engine: Engine): number {
    return ENGINE_FACTS[engine].port;
}

/** The parameter that makes the server refuse connections without TLS. */
export function tlsParameterName(engine: Engine): string {
    return ENGINE_FACTS[engine].tlsParameter;
}

/** Longest user name the engine accepts (MySQL 8 / MariaDB: 32 characters, PostgreSQL: 63 bytes). */
export function maxUsernameLength(engine: Engine): number {
    return ENGINE_FACTS[engine].maxUsernameLength;
}
