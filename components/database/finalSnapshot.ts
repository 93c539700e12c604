/**
 * The name of the snapshot RDS takes when the database is deleted. `${name}-final` collided on the
 * second delete or replace in the same account and region (RDS refuses an existing snapshot name),
 * so the name carries a random suffix made once per instance lifetime: a `random.RandomId` whose
 * keepers are the inputs that replace the instance or cluster, so a replacement (and a stack
 * destroyed and deployed again) gets a new suffix, while every other update keeps it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * RDS snapshot identifiers: 1 to 255 letters, digits and hyphens, starting with a letter, without
 * two hyphens in a row or a hyphen at the end (CreateDBSnapshot / DeleteDBInstance
 * FinalDBSnapshotIdentifier constraints, RDS API Reference).
 */
export function isSnapshotIdentifier(value: string): boolean {
    return /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$/.test(value) && !value.endsWith("-") && value.length <= 255;
}

/** `<name>-final-<suffix>` with the component name made valid (lower case, hyphens, starting with a letter). */
export function finalSnapshotIdentifier(name: string, suffix: string): string {
    const tail = `-final-${suffix}`;
    let base = name
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-{2,}/g, "-")
        .replace(/^[^a-z]+/, "");
    base = (base === "" ? "db" : base).slice(0, 255 - tail.length).replace(/-+$/, "");
    return `${base}${tail}`;
}

/** The inputs whose change replaces the instance or cluster: each new lifetime gets a new suffix. */
export interface SnapshotKeepers {
    readonly engine: string;
    readonly masterUsername: string;
    readonly databaseName?: string;
    readonly kmsKeyId?: pulumi.Input<string>;
    readonly subnetGroupName: pulumi.Input<string>;
}

export function finalSnapshotName(
    name: string,
    keepers: SnapshotKeepers,
    parent: pulumi.Resource,
): pulumi.Output<string> {
    const suffix = new random.RandomId(
        `${name}-final-snapshot`,
        {
            byteLength: 4,
            keepers: {
                engine: keepers.engine,
                masterUsername: keepers.masterUsername,
                databaseName: keepers.databaseName ?? "",
                kmsKeyId: keepers.kmsKeyId ?? "",
                subnetGroupName: keepers.subnetGroupName,
            },
        },
        { parent },
    );
    return suffix.hex.apply((hex) => finalSnapshotIdentifier(name, hex));
}
