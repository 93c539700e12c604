/**
 * Where RDS offers IAM database authentication: per engine, region and major version, and per
 * instance class. Without it the users' `CREATE USER … IDENTIFIED WITH AWSAuthenticationPlugin`
 * fails with 1524 ("Plugin 'AWSAuthenticationPlugin' is not loaded") after minutes of retries, so a
 * Database is refused at preview instead, naming the input, the region and the alternatives. Pure;
 * the Database asks it when the region is known at construction and again once the provider
 * answers with its region (an explicit provider).
 *
 * Sources:
 * - RDS User Guide, "Supported Regions and DB engines for IAM database authentication in Amazon RDS"
 *   (Concepts.RDS_Fea_Regions_DB-eng.Feature.IamDatabaseAuthentication): the RDS for MariaDB table
 *   is per region and version. 10.4, 10.5 and 10.6 are "Not available" everywhere (engines.ts,
 *   iamMinimumMajorVersion); Asia Pacific (Hyderabad) and (Melbourne) have no version at all;
 *   Asia Pacific (Malaysia), (New Zealand) and (Taipei) have 11.8 and 11.4 but not 10.11. Every
 *   other row read from that table (the US regions, Cape Town, Hong Kong, Jakarta, Mumbai, Osaka,
 *   Seoul, Singapore, Sydney, and Thailand's 11.8 and 11.4) has 11.8, 11.4 and 10.11.
 * - Aurora User Guide, "Supported Regions and Aurora DB engines for IAM database authentication":
 *   Aurora MySQL 2 and 3 and Aurora PostgreSQL 11–17 have it "in all Regions".
 * - Aurora User Guide, "IAM database authentication" (Region and version availability): "For
 *   Aurora MySQL, all supported DB instance classes support IAM database authentication, except for
 *   db.t2.small and db.t3.small."
 */
import { Engine, ENGINE_FACTS } from "./engines";
import { chooseEngineVersion, compareVersions } from "./engineVersions";
import { Problem, ValidationFailure } from "./validation";

/** The regions of the table by code, for messages (RDS User Guide's names). */
const REGION_NAMES: Readonly<Record<string, string>> = {
    "ap-south-2": "Asia Pacific (Hyderabad)",
    "ap-southeast-4": "Asia Pacific (Melbourne)",
    "ap-southeast-5": "Asia Pacific (Malaysia)",
    "ap-southeast-6": "Asia Pacific (New Zealand)",
    "ap-east-2": "Asia Pacific (Taipei)",
};

/**
 * The major versions with IAM authentication in the regions where an engine has fewer than
 * elsewhere; an empty list: none at all. Regions not listed have every major the engine table
 * (engines.ts) allows. Arrays, not Sets: closure serialization of the provider carries no Sets.
 */
export const IAM_AUTH_REGION_LIMITS: Readonly<
    Partial<Record<Engine, Readonly<Record<string, readonly string[]>>>>
> = {
    mariadb: {
        "ap-south-2": [],
        "ap-southeast-4": [],
        "ap-southeast-5": ["11.8", "11.4"],
        "ap-southeast-6": ["11.8", "11.4"],
        "ap-east-2": ["11.8", "11.4"],
    },
};

/** Instance classes without IAM authentication, per engine (Aurora User Guide). */
export const IAM_AUTH_UNSUPPORTED_INSTANCE_CLASSES: Readonly<Partial<Record<Engine, readonly string[]>>> = {
    "aurora-mysql": ["db.t2.small", "db.t3.small"],
};

function regionTitle(region: string): string {
    const name = REGION_NAMES[region];
    return name === undefined ? region : `${region}, ${name}`;
}

/** The engines without a known lack of IAM authentication in `region`, other than `engine`. */
function enginesWithIamIn(engine: Engine, region: string): Engine[] {
    return (Object.keys(ENGINE_FACTS) as Engine[]).filter(
        (e) => e !== engine && IAM_AUTH_REGION_LIMITS[e]?.[region]?.length !== 0,
    );
}

/** "a, b or c". */
function orList(items: readonly string[]): string {
    return items.length <= 1
        ? items.join("")
        : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/**
 * Why `engine` at `major` has no IAM authentication in `region`, or nothing. `versionGiven` says
 * whether the major came from `engineVersion` (else it is the engine's default), so the message
 * names the input to change: `engineVersion` when another version works there, `engine` (or the
 * region) when none does.
 */
export function iamAuthRegionProblems(
    engine: Engine,
    major: string,
    region: string,
    versionGiven: boolean,
): Problem[] {
    const supported = IAM_AUTH_REGION_LIMITS[engine]?.[region];
    if (supported === undefined || supported.includes(major)) return [];
    const facts = ENGINE_FACTS[engine];
    const source =
        '(RDS User Guide, "Supported Regions and DB engines for IAM database authentication in Amazon RDS")';
    if (supported.length === 0) {
        return [
            {
                code: "no-iam-authentication",
                reason: `RDS for ${facts.title} has no IAM database authentication in ${regionTitle(region)}, for any version ${source}; choose engine ${orList(enginesWithIamIn(engine, region))}, or deploy the stack in another region`,
            },
        ];
    }
    const versions = [...supported].sort((a, b) => compareVersions(b, a));
    const asked = versionGiven ? `${facts.title} ${major}` : `${facts.title} ${major} (the default)`;
    return [
        {
            code: "no-iam-authentication",
            reason: `${asked} has no IAM database authentication in ${regionTitle(region)} ${source}; set engineVersion to ${orList(versions.map((v) => `"${v}"`))}, or deploy the stack in another region`,
        },
    ];
}

/** Why `instanceClass` has no IAM authentication for `engine`, or nothing. */
export function iamAuthInstanceClassProblems(engine: Engine, instanceClass: unknown): Problem[] {
    const unsupported = IAM_AUTH_UNSUPPORTED_INSTANCE_CLASSES[engine];
    if (typeof instanceClass !== "string" || unsupported === undefined) return [];
    if (!unsupported.includes(instanceClass)) return [];
    const facts = ENGINE_FACTS[engine];
    return [
        {
            code: "no-iam-authentication",
            reason: `${facts.title} has no IAM database authentication on ${instanceClass} (Aurora User Guide, "IAM database authentication": every instance class supports it except ${unsupported.join(" and ")}); choose another instance class such as "${facts.defaultInstanceClass}" (the default) or "db.t3.medium"`,
        },
    ];
}

/**
 * Every reason the Database's engine, version and instance class have no IAM authentication in
 * `region`, as `{ property, reason }` naming the input to change.
 */
export function iamAuthSupportFailures(
    engine: Engine,
    engineVersion: string | undefined,
    instanceClass: unknown,
    region: string | undefined,
): ValidationFailure[] {
    const failures: ValidationFailure[] = iamAuthInstanceClassProblems(engine, instanceClass).map((p) => ({
        property: "instanceClass",
        reason: p.reason,
    }));
    if (region === undefined) return failures;
    const major = chooseEngineVersion(engine, engineVersion).major;
    const versionGiven = engineVersion !== undefined;
    const someVersionWorks = (IAM_AUTH_REGION_LIMITS[engine]?.[region]?.length ?? 1) > 0;
    for (const p of iamAuthRegionProblems(engine, major, region, versionGiven)) {
        failures.push({ property: someVersionWorks ? "engineVersion" : "engine", reason: p.reason });
    }
    return failures;
}
