/**
 * Which databases RDS Proxy with end-to-end IAM authentication can front: per engine, version and
 * region. Pure; the DatabaseProxy asks it at construction (preview), so an unsupported database is
 * refused before anything is created, naming what is supported.
 *
 * Sources:
 * - RDS User Guide, "Supported Regions and DB engines for Amazon RDS Proxy"
 *   (Concepts.RDS_Fea_Regions_DB-eng.Feature.RDSProxy): RDS Proxy isn't available for RDS for Db2
 *   and RDS for Oracle (engines rds-iam never makes); its RDS for MariaDB table lists 11.8, 11.4,
 *   10.11, 10.6 and 10.5, "All available versions" in every region row read. Its RDS for MySQL
 *   and RDS for PostgreSQL tables were not read row by row here, so rds-iam adds no limit for them
 *   beyond the Database's own (IAM authentication; PostgreSQL 15 or later).
 * - Aurora User Guide, "Supported Regions and Aurora DB engines for Amazon RDS Proxy"
 *   (Concepts.Aurora_Fea_Regions_DB-eng.Feature.RDS_Proxy): Aurora MySQL "Version 3.01.0 and
 *   higher" and "Version 2.07 and version 2.11 and higher"; Asia Pacific (New Zealand) and
 *   Asia Pacific (Taipei) "Not available" for either (the docs.amazonaws.cn edition of the table).
 * - RDS User Guide, "Configuring IAM authentication for RDS Proxy" (rds-proxy-iam-setup): with
 *   end-to-end IAM the proxy connects to the database with IAM authentication instead of Secrets
 *   Manager credentials, so the database needs IAM database authentication, which every rds-iam
 *   Database has (`iamDatabaseAuthenticationEnabled: true`) and its version checks guarantee.
 * - `aws.rds.Proxy` engineFamily (Pulumi AWS provider): "For Aurora MySQL, RDS for MariaDB, and RDS
 *   for MySQL databases, specify MYSQL. For Aurora PostgreSQL and RDS for PostgreSQL databases,
 *   specify POSTGRESQL."
 */
import { Engine, ENGINE_FACTS } from "../engines";
import { compareVersions } from "../engineVersions";

/** The protocol an RDS Proxy speaks (`aws.rds.Proxy` engineFamily). */
export type ProxyEngineFamily = "MYSQL" | "POSTGRESQL";

export function proxyEngineFamily(engine: Engine): ProxyEngineFamily {
    return ENGINE_FACTS[engine].family === "mysql" ? "MYSQL" : "POSTGRESQL";
}

/** RDS for MariaDB majors RDS Proxy supports (RDS User Guide table). Arrays: closure serialization carries no Sets. */
export const PROXY_MARIADB_MAJORS: readonly string[] = ["10.5", "10.6", "10.11", "11.4", "11.8"];

/** Aurora MySQL releases RDS Proxy supports: 2.07.x, 2.11 and later 2.x, 3.01.0 and later 3.x. */
function auroraMysqlReleaseSupported(release: string): boolean {
    const [major, minor] = release.split(".").map(Number);
    if (major === 2) return minor === 7 || minor >= 11;
    if (major === 3) return compareVersions(release, "3.01.0") >= 0;
    return major > 3;
}

/** Regions where RDS Proxy has no Aurora MySQL version at all (Aurora User Guide table). */
export const PROXY_AURORA_MYSQL_UNAVAILABLE_REGIONS: Readonly<Record<string, string>> = {
    "ap-southeast-6": "Asia Pacific (New Zealand)",
    "ap-east-2": "Asia Pacific (Taipei)",
};

const RDS_TABLE = 'RDS User Guide, "Supported Regions and DB engines for Amazon RDS Proxy"';
const AURORA_TABLE = 'Aurora User Guide, "Supported Regions and Aurora DB engines for Amazon RDS Proxy"';

/** What RDS Proxy asks of one engine: the versions it fronts and the regions it has none in. */
interface ProxyEngineRule {
    /** Why `engineVersion` cannot be fronted (undefined: it can). */
    readonly versionProblem?: (engineVersion: string) => string | undefined;
    /** Regions (code → name) where RDS Proxy offers no version of the engine. */
    readonly unavailableRegions?: Readonly<Record<string, string>>;
}

function mariadbVersionProblem(engineVersion: string): string | undefined {
    const major = engineVersion.split(".").slice(0, 2).join(".");
    return PROXY_MARIADB_MAJORS.includes(major)
        ? undefined
        : `RDS Proxy does not support MariaDB ${engineVersion}: it supports MariaDB ${PROXY_MARIADB_MAJORS.join(", ")} (${RDS_TABLE}); give the Database an engineVersion of one of those (11.4, the default, is)`;
}

function auroraMysqlVersionProblem(engineVersion: string): string | undefined {
    const release = /^\d+\.\d+\.mysql_aurora\.(\d+\.\d+(?:\.\d+)?)$/.exec(engineVersion)?.[1];
    return release === undefined || auroraMysqlReleaseSupported(release)
        ? undefined
        : `RDS Proxy does not support Aurora MySQL ${engineVersion} (release ${release}): it supports Aurora MySQL 3.01.0 and higher, and 2.07 and 2.11 and higher (${AURORA_TABLE}); give the Database a supported full version, or the major "8.0" and let AWS choose`;
}

/** Per engine, from the tables above; MySQL and PostgreSQL add nothing to the Database's own checks. */
const PROXY_ENGINE_RULES: Readonly<Record<Engine, ProxyEngineRule>> = {
    mysql: {},
    mariadb: { versionProblem: mariadbVersionProblem },
    postgres: {},
    "aurora-mysql": {
        versionProblem: auroraMysqlVersionProblem,
        unavailableRegions: PROXY_AURORA_MYSQL_UNAVAILABLE_REGIONS,
    },
    "aurora-postgresql": {},
};

/**
 * Why RDS Proxy cannot front a database of `engine` at `engineVersion` (undefined: the engine's
 * default, which AWS keeps supported) in `region` (undefined: not known yet); empty when it can.
 * Messages name what is supported and the fix.
 */
export function proxySupportProblems(
    engine: Engine,
    engineVersion: string | undefined,
    region: string | undefined,
): string[] {
    const rule = PROXY_ENGINE_RULES[engine];
    const problems: string[] = [];
    const versionProblem = engineVersion === undefined ? undefined : rule.versionProblem?.(engineVersion);
    if (versionProblem !== undefined) problems.push(versionProblem);
    const regionName = region === undefined ? undefined : rule.unavailableRegions?.[region];
    if (regionName !== undefined)
        problems.push(
            `RDS Proxy has no ${ENGINE_FACTS[engine].title} version in ${regionName} (${region}) (${AURORA_TABLE}); put the ${ENGINE_FACTS[engine].title} database in another region, or reach it without a proxy`,
        );
    return problems;
}
