/**
 * RDS defaults per engine: version, parameter-group family and instance class. Kept apart from the
 * component so they can be read and changed in one place.
 */
import { Engine } from "./engines";

/** Current major versions we default to (2026: all in standard support). */
export const DEFAULT_ENGINE_VERSION: Readonly<Record<Engine, string>> = {
    mysql: "8.0",
    mariadb: "10.11",
    postgres: "16",
    "aurora-mysql": "8.0.mysql_aurora.3.08.0",
    "aurora-postgresql": "16.4",
};

/** The parameter-group family for an engine version, e.g. postgres 16.3 → "postgres16". */
export function parameterGroupFamily(engine: Engine, version: string): string {
    const [major, minor] = version.split(".");
    switch (engine) {
        case "mysql":
        case "mariadb":
            return `${engine}${major}.${minor ?? "0"}`;
        case "aurora-mysql":
            return `aurora-mysql${major}.${minor ?? "0"}`;
        case "postgres":
        case "aurora-postgresql":
            return `${engine}${major}`;
    }
}

/** Smallest Graviton classes that support IAM authentication on each kind of database. */
export const DEFAULT_INSTANCE_CLASS = "db.t4g.micro";
export const DEFAULT_AURORA_INSTANCE_CLASS = "db.t4g.medium";
