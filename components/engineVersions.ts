/**
 * Engine versions, reasoned from the engine table: which major a version belongs to, its
 * parameter-group family, whether a requested version is well formed and has IAM authentication,
 * and how the component should pass it to RDS. Pure; the deploy-time lookup lives with the database.
 */
import { Engine, EngineFamily, ENGINE_FACTS } from "./engines";
import { Problem } from "./validation";

/**
 * The oldest major version rds-iam supports per engine family, whatever RDS still offers. PostgreSQL
 * 15: before it, PUBLIC (every role) may CREATE in schema public, so an IAM user granted only SELECT
 * could still create tables there (PostgreSQL 15 release notes: "Remove PUBLIC creation permission
 * on the public schema"). The provider refuses older servers at run time too (it only learns the
 * version when it connects).
 */
export const MINIMUM_MAJOR_VERSION: Readonly<Partial<Record<EngineFamily, string>>> = { postgres: "15" };

/** Why the family's minimum exists, for messages. */
export function minimumVersionReason(family: EngineFamily): string {
    return family === "postgres"
        ? "before 15 every role (PUBLIC) may CREATE in schema public, so a user granted only SELECT could still create tables there (PostgreSQL 15 release notes)"
        : "";
}

/** What the program does with the version: see `chooseEngineVersion`. */
export interface EngineVersionChoice {
    /** "default" (none given), "major" ("8.4", "17") or "full" ("8.4.5", "8.0.mysql_aurora.3.10.0"). */
    readonly requested: "default" | "major" | "full";
    /** The major version, e.g. "8.4", "17", "8.0". */
    readonly major: string;
    /** The parameter-group family of that major, e.g. "mysql8.4", "aurora-postgresql17". */
    readonly parameterGroupFamily: string;
    /**
     * The version to give RDS when it is known now: the major (instances take a prefix and RDS picks
     * its default minor) or the full version asked for. Undefined when it must be resolved at deploy
     * time (Aurora given no full version).
     */
    readonly version?: string;
    /**
     * Minor versions follow AWS (auto minor upgrades on, and the version kept out of later diffs so
     * an upgrade never shows as a downgrade); false when a full version pins the minor.
     */
    readonly followsMinorUpgrades: boolean;
}

/** Splits "8.4.5" → [8, 4, 5] for comparison; non-numeric parts compare as 0. */
function numbers(version: string): number[] {
    return version.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : 0));
}

/** Negative, zero or positive as `a` is below, equal to or above `b` (numeric, part by part). */
export function compareVersions(a: string, b: string): number {
    const x = numbers(a);
    const y = numbers(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const d = (x[i] ?? 0) - (y[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}

/** The major version a well-formed version belongs to: the first part for PostgreSQL, the first two otherwise. */
export function majorVersionOf(engine: Engine, version: string): string {
    const parts = ENGINE_FACTS[engine].majorVersionPattern.source.includes(".") ? 2 : 1;
    return version.split(".").slice(0, parts).join(".");
}

/** The parameter-group family of a major version, e.g. ("mariadb", "11.4") → "mariadb11.4". */
export function parameterGroupFamily(engine: Engine, major: string): string {
    return `${engine}${major}`;
}

/** Whether `version` is a major or full version of the engine, or neither. */
function versionForm(engine: Engine, version: string): "major" | "full" | undefined {
    const facts = ENGINE_FACTS[engine];
    if (facts.majorVersionPattern.test(version)) return "major";
    if (facts.fullVersionPattern.test(version)) return "full";
    return undefined;
}

/**
 * Why `version` cannot be used for `engine`: malformed, older than IAM authentication on RDS, or
 * older than rds-iam supports (MINIMUM_MAJOR_VERSION). `name` is the input, for the fix.
 */
export function engineVersionProblems(engine: Engine, version: unknown, name = "engineVersion"): Problem[] {
    if (version === undefined) return [];
    const facts = ENGINE_FACTS[engine];
    const [major, full] = facts.versionExamples;
    if (typeof version !== "string" || versionForm(engine, version) === undefined) {
        return [
            {
                code: "bad-version",
                reason: `${JSON.stringify(version)} is not a version of ${facts.title}; give a major version such as "${major}" (recommended: minor upgrades follow AWS) or a full one such as "${full}", or leave it out for ${facts.defaultMajorVersion}`,
            },
        ];
    }
    const minimum = facts.iamMinimumMajorVersion;
    if (minimum !== undefined && compareVersions(majorVersionOf(engine, version), minimum) < 0) {
        return [
            {
                code: "no-iam-authentication",
                reason: `${facts.title} ${version} has no IAM database authentication on RDS (it needs ${minimum} or later, see "Supported Regions and DB engines for IAM database authentication" in the RDS User Guide); choose ${facts.defaultMajorVersion} or another version from ${minimum}`,
            },
        ];
    }
    const supported = MINIMUM_MAJOR_VERSION[facts.family];
    if (supported !== undefined && compareVersions(majorVersionOf(engine, version), supported) < 0) {
        return [
            {
                code: "unsupported-version",
                reason: `${facts.title} ${version} is older than rds-iam supports (${supported} or later): ${minimumVersionReason(facts.family)}. Set ${name} to "${facts.defaultMajorVersion}" (the default) or another version from ${supported}`,
            },
        ];
    }
    return [];
}

/** How the component passes `requested` (already validated) to RDS; see `EngineVersionChoice`. */
export function chooseEngineVersion(engine: Engine, requested?: string): EngineVersionChoice {
    const facts = ENGINE_FACTS[engine];
    const form = requested === undefined ? "default" : (versionForm(engine, requested) ?? "major");
    const major = requested === undefined ? facts.defaultMajorVersion : majorVersionOf(engine, requested);
    const parameterGroup = parameterGroupFamily(engine, major);
    if (form === "full") {
        return {
            requested: form,
            major,
            parameterGroupFamily: parameterGroup,
            version: requested,
            followsMinorUpgrades: false,
        };
    }
    return {
        requested: form,
        major,
        parameterGroupFamily: parameterGroup,
        version: facts.versionPolicy === "major" ? major : undefined,
        followsMinorUpgrades: true,
    };
}
