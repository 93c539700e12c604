/**
 * Facts about the database engines rds-iam supports, in one place: the family each engine
 * belongs to (which SQL dialect and driver), its port, the parameter that forces TLS, and the
 * identifier limits the database itself enforces.
 */

/** The engines a `Database` can run. */
export type Engine = "mysql" | "mariadb" | "postgres" | "aurora-mysql" | "aurora-postgresql";

/** The SQL dialect / wire protocol an engine speaks. */
export type EngineFamily = "mysql" | "postgres";

export const ENGINES: readonly Engine[] = [
    "mysql",
    "mariadb",
    "postgres",
    "aurora-mysql",
    "aurora-postgresql",
];

export function isEngine(value: unknown): value is Engine {
    return typeof value === "string" && (ENGINES as readonly string[]).includes(value);
}

export function engineFamily(engine: Engine): EngineFamily {
    return engine === "postgres" || engine === "aurora-postgresql" ? "postgres" : "mysql";
}

export function isAurora(engine: Engine): boolean {
    return engine.startsWith("aurora-");
}

export function defaultPort(engine: Engine): number {
    return engineFamily(engine) === "postgres" ? 5432 : 3306;
}

/** The parameter that makes the server refuse connections without TLS. */
export function tlsParameterName(engine: Engine): string {
    return engineFamily(engine) === "postgres" ? "rds.force_ssl" : "require_secure_transport";
}

/** Longest user name the engine accepts (MySQL 8 / MariaDB: 32 characters, PostgreSQL: 63 bytes). */
export function maxUsernameLength(engine: Engine): number {
    return engineFamily(engine) === "postgres" ? 63 : 32;
}
