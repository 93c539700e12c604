/**
 * masterPassword "iam": switches the master user of a PostgreSQL instance or Aurora PostgreSQL
 * cluster to IAM database authentication (RDS API ModifyDBInstance / ModifyDBCluster,
 * `MasterUserAuthenticationType: "iam-db-auth"`, "only valid for RDS for PostgreSQL and Aurora
 * PostgreSQL engines"), then waits until the database is available again.
 *
 * Why a resource of its own: @pulumi/aws 7.48, the newest the registry serves, has no
 * masterUserAuthenticationType on aws.rds.Instance or aws.rds.Cluster, and @pulumi/aws-native would
 * mean managing the whole database through Cloud Control instead. So the database is created as
 * "generated" makes it, and this resource makes one SDK call (@aws-sdk/client-rds) with the stack's
 * AWS settings, as the users' provider reads secrets. Deleting it (masterPassword changed back)
 * returns the master to password login with the generated password; when the database itself goes,
 * it is deleted with it and makes no call.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AwsAccessInput } from "../provider/secrets";
import { stackCredentials } from "../provider/secrets";

export type MasterAuthenticationType = "iam-db-auth" | "password";

interface Props {
    readonly kind: "instance" | "cluster";
    readonly identifier: string;
    readonly region: string;
    readonly aws?: AwsAccessInput;
    /** The generated password, for the way back to password login (a Pulumi secret). */
    readonly password: string;
    readonly masterUserAuthenticationType: MasterAuthenticationType;
}

/** One ModifyDB… call and the SDK's "available" waiter; errors name the call and the permission. */
async function setMasterAuthentication(p: Props, type: MasterAuthenticationType): Promise<void> {
    const rds = require("@aws-sdk/client-rds") as typeof import("@aws-sdk/client-rds");
    const client = new rds.RDSClient({ region: p.region, credentials: stackCredentials(p.aws, p.region) });
    const what = `${p.kind === "instance" ? "DB instance" : "DB cluster"} ${p.identifier}`;
    // Minutes, not hours: a modification RDS keeps pending fails the up with a message, not silence.
    const waiter = { client, maxWaitTime: 30 * 60, minDelay: 5, maxDelay: 30 };
    const password = type === "password" ? { MasterUserPassword: p.password } : {};
    try {
        if (p.kind === "instance") {
            await client.send(
                new rds.ModifyDBInstanceCommand({
                    DBInstanceIdentifier: p.identifier,
                    MasterUserAuthenticationType: type,
                    ApplyImmediately: true,
                    ...password,
                }),
            );
            await rds.waitUntilDBInstanceAvailable(waiter, { DBInstanceIdentifier: p.identifier });
        } else {
            await client.send(
                new rds.ModifyDBClusterCommand({
                    DBClusterIdentifier: p.identifier,
                    MasterUserAuthenticationType: type,
                    ApplyImmediately: true,
                    ...password,
                }),
            );
            await rds.waitUntilDBClusterAvailable(waiter, { DBClusterIdentifier: p.identifier });
        }
    } catch (e) {
        const err = e as { name?: string; message?: string };
        if (type === "password" && /NotFound/.test(err.name ?? "")) return; // the database is gone
        const action = p.kind === "instance" ? "rds:ModifyDBInstance" : "rds:ModifyDBCluster";
        throw new Error(
            `cannot set MasterUserAuthenticationType ${type} on ${what}: ${err.name ?? "Error"}: ${err.message}. ` +
                `The identity running pulumi needs ${action} on it (and rds:Describe… to wait for it).`,
        );
    } finally {
        client.destroy();
    }
}

const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: Props) {
        await setMasterAuthentication(inputs, "iam-db-auth");
        return { id: `${inputs.kind}/${inputs.identifier}`, outs: inputs };
    },
    async diff(_id: string, olds: Props, news: Props) {
        const replaces = (["kind", "identifier"] as const).filter((k) => olds[k] !== news[k]);
        const changed =
            replaces.length > 0 ||
            olds.region !== news.region ||
            JSON.stringify(olds.aws ?? null) !== JSON.stringify(news.aws ?? null) ||
            olds.password !== news.password;
        return { changes: changed, replaces, deleteBeforeReplace: true };
    },
    async update(_id: string, _olds: Props, news: Props) {
        return { outs: news };
    },
    async delete(_id: string, props: Props) {
        await setMasterAuthentication(props, "password");
    },
};

export interface MasterAuthenticationArgs {
    readonly kind: "instance" | "cluster";
    readonly identifier: pulumi.Input<string>;
    readonly region: pulumi.Input<string>;
    readonly aws?: pulumi.Input<AwsAccessInput | undefined>;
    readonly password: pulumi.Input<string>;
}

/** The master user of one database, switched to IAM database authentication. */
export class MasterAuthentication extends pulumi.dynamic.Resource {
    constructor(name: string, args: MasterAuthenticationArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            { ...args, masterUserAuthenticationType: "iam-db-auth" },
            { ...opts, additionalSecretOutputs: ["password"] },
            "rds-iam",
            "MasterAuthentication",
        );
    }
}
