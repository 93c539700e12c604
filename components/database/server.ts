/**
 * The database server itself: a TLS-forcing parameter group (one piece of code for instances and
 * clusters), then either one RDS instance or an Aurora cluster with its cluster instances, all with
 * IAM authentication, encrypted storage and the master password managed by RDS or generated
 * (masterPassword.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Engine, engineFacts } from "../engines";
import { EngineVersionChoice, chooseEngineVersion } from "../engineVersions";
import { finalSnapshotName } from "./finalSnapshot";
import { IAM_AUTH_ERROR_LOG, iamAuthErrorLogGroup } from "./authErrorLogs";
import { MasterAuthentication } from "./masterAuthentication";
import { MasterPasswordChoice, masterPassword } from "./masterPassword";
import type { AwsAccessInput } from "../provider/secrets";

export interface ServerArgs {
    readonly engine: Engine;
    /** The version asked for, if any (validated): see `chooseEngineVersion`. */
    readonly engineVersion?: string;
    readonly masterUsername: string;
    /** Who keeps the master password: RDS in Secrets Manager, or a generated Pulumi secret. */
    readonly masterPassword: MasterPasswordChoice;
    /** Instance engines: apply engine and class changes through an RDS blue/green deployment. */
    readonly blueGreenUpdate: boolean;
    /** Apply changes at once instead of in the next maintenance window. */
    readonly applyImmediately: boolean;
    /** Export IAM authentication errors to CloudWatch Logs, kept this many days (undefined: no export). */
    readonly iamAuthErrorLogRetentionDays?: number;
    readonly databaseName?: string;
    readonly instanceClass?: pulumi.Input<string>;
    readonly allocatedStorage?: number;
    readonly publiclyAccessible: boolean;
    readonly multiAz?: boolean;
    readonly instances: number;
    readonly deletionProtection: boolean;
    readonly backupRetentionDays: number;
    readonly skipFinalSnapshot: boolean;
    readonly kmsKeyId?: pulumi.Input<string>;
    readonly tags: Record<string, string>;
    readonly subnetGroupName: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    /** Where and as whom the switch to an IAM-only master is made (masterPassword "iam"). */
    readonly region: pulumi.Output<string>;
    readonly aws: pulumi.Output<AwsAccessInput | undefined>;
}

export interface Server {
    /** Endpoint host name: the instance address, or the Aurora cluster's writer endpoint. */
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    /** `db-…` DbiResourceId, or the cluster's `cluster-…` DbClusterResourceId. */
    readonly resourceId: pulumi.Output<string>;
    /** The RDS-managed master secret's ARN ("managed"), undefined with a generated password. */
    readonly masterSecretArn: pulumi.Output<string | undefined>;
    /** The generated master password, a Pulumi secret ("generated"; "iam" until the switch). */
    readonly generatedMasterPassword?: pulumi.Output<string>;
    /** The switch of the master to IAM database authentication ("iam" only). */
    readonly masterAuthentication?: MasterAuthentication;
    readonly instance?: aws.rds.Instance;
    readonly cluster?: aws.rds.Cluster;
    readonly clusterInstances: aws.rds.ClusterInstance[];
    /** Where RDS publishes the IAM authentication errors, when exported. */
    readonly iamAuthErrorLogGroup?: aws.cloudwatch.LogGroup;
    /** What must exist before anything can connect: the instance, or the cluster and its instances. */
    readonly connectable: pulumi.Resource[];
    /** The resource whose deletion takes every SQL object with it: the instance or the cluster. */
    readonly storage: aws.rds.Instance | aws.rds.Cluster;
}

/**
 * The parameter group that makes the server refuse connections without TLS. Applied "pending-reboot":
 * the group is attached at create time, so nothing waits for a reboot, and it is the only method that
 * works everywhere — rds.force_ssl is static before PostgreSQL 15 ("cannot use immediate apply method
 * for static parameter"), and where the engine default already forces TLS (PostgreSQL 15+, MariaDB
 * 11.8+) AWS reports the parameter as pending-reboot, so "immediate" would show a change on every plan
 * (hashicorp/terraform-provider-aws#39252, #18035).
 */
function tlsParameterGroup(
    name: string,
    args: ServerArgs,
    version: EngineVersionChoice,
    parent: pulumi.Resource,
): aws.rds.ParameterGroup | aws.rds.ClusterParameterGroup {
    const facts = engineFacts(args.engine);
    const groupArgs = {
        family: version.parameterGroupFamily,
        description: `rds-iam ${name}: TLS required`,
        parameters: [{ name: facts.tlsParameter, value: facts.tlsValue, applyMethod: "pending-reboot" }],
        tags: args.tags,
    };
    return facts.aurora
        ? new aws.rds.ClusterParameterGroup(`${name}-params`, groupArgs, { parent })
        : new aws.rds.ParameterGroup(`${name}-params`, groupArgs, { parent });
}

/**
 * The version to give RDS. Instances take the major version and RDS picks its current default minor;
 * Aurora needs a full version, resolved here at deploy time as AWS's default for the major's
 * parameter-group family (aws.rds.getEngineVersion), so no minor version AWS retires is written down.
 */
function engineVersion(
    engine: Engine,
    choice: EngineVersionChoice,
    parent: pulumi.Resource,
): pulumi.Input<string> {
    if (choice.version !== undefined) return choice.version;
    return aws.rds.getEngineVersionOutput(
        { engine, parameterGroupFamily: choice.parameterGroupFamily, defaultOnly: true, latest: true },
        { parent },
    ).versionActual;
}

/** The managed secret's ARN; none when the password is not managed by RDS. */
function managedSecretArn(
    secrets: pulumi.Output<{ secretArn: string }[]>,
): pulumi.Output<string | undefined> {
    return secrets.apply((s) => s?.[0]?.secretArn);
}

/** masterPassword "iam": the switch, made once the database (and on Aurora its instances) exist. */
function iamMasterSwitch(
    name: string,
    kind: "instance" | "cluster",
    identifier: pulumi.Output<string>,
    password: pulumi.Output<string>,
    args: ServerArgs,
    opts: pulumi.CustomResourceOptions,
): MasterAuthentication {
    return new MasterAuthentication(
        `${name}-master-iam`,
        { kind, identifier, region: args.region, aws: args.aws, password },
        opts,
    );
}

export function createServer(name: string, args: ServerArgs, parent: pulumi.Resource): Server {
    const facts = engineFacts(args.engine);
    const choice = chooseEngineVersion(args.engine, args.engineVersion);
    const version = engineVersion(args.engine, choice, parent);
    // A resolved version moves with AWS's auto minor upgrades; keep it out of later diffs so an
    // upgrade never reads as a downgrade. (A major prefix on an instance already matches any minor.)
    const ignoreChanges = facts.aurora && choice.followsMinorUpgrades ? ["engineVersion"] : [];
    const parameters = tlsParameterGroup(name, args, choice, parent);
    const password = masterPassword(name, args.engine, args.masterPassword, parent);
    const exportsLogs = args.iamAuthErrorLogRetentionDays !== undefined;
    const logGroup = (kind: "instance" | "cluster", identifier: pulumi.Output<string>) =>
        exportsLogs
            ? iamAuthErrorLogGroup(
                  name,
                  kind,
                  identifier,
                  args.iamAuthErrorLogRetentionDays!,
                  args.tags,
                  parent,
              )
            : undefined;
    const common = {
        engineVersion: version,
        iamDatabaseAuthenticationEnabled: true,
        storageEncrypted: true,
        kmsKeyId: args.kmsKeyId,
        manageMasterUserPassword: password.serverArgs.manageMasterUserPassword,
        // RDS refuses a new major version without it ("AllowMajorVersionUpgrade … must be set to true
        // when specifying a value for the EngineVersion parameter that is a different major version",
        // RDS API Reference, ModifyDBInstance/ModifyDBCluster): changing engineVersion is the request.
        allowMajorVersionUpgrade: true,
        applyImmediately: args.applyImmediately,
        dbSubnetGroupName: args.subnetGroupName,
        vpcSecurityGroupIds: [args.securityGroupId],
        deletionProtection: args.deletionProtection,
        backupRetentionPeriod: args.backupRetentionDays,
        skipFinalSnapshot: args.skipFinalSnapshot,
        finalSnapshotIdentifier: args.skipFinalSnapshot
            ? undefined
            : finalSnapshotName(
                  name,
                  {
                      engine: args.engine,
                      masterUsername: args.masterUsername,
                      databaseName: args.databaseName,
                      kmsKeyId: args.kmsKeyId,
                      subnetGroupName: args.subnetGroupName,
                  },
                  parent,
              ),
        copyTagsToSnapshot: true,
        enabledCloudwatchLogsExports: exportsLogs ? [IAM_AUTH_ERROR_LOG] : undefined,
        tags: args.tags,
    };
    const instanceClass = args.instanceClass ?? facts.defaultInstanceClass;

    if (facts.aurora) {
        const cluster = new aws.rds.Cluster(
            `${name}-cluster`,
            {
                ...common,
                engine: args.engine as aws.rds.EngineType,
                masterUsername: args.masterUsername,
                masterPassword: password.generated,
                databaseName: args.databaseName,
                dbClusterParameterGroupName: parameters.name,
            },
            { parent, ignoreChanges },
        );
        const clusterInstances = Array.from(
            { length: args.instances },
            (_, i) =>
                new aws.rds.ClusterInstance(
                    `${name}-instance-${i}`,
                    {
                        clusterIdentifier: cluster.id,
                        engine: args.engine as aws.rds.EngineType,
                        engineVersion: version,
                        autoMinorVersionUpgrade: choice.followsMinorUpgrades,
                        instanceClass,
                        dbSubnetGroupName: args.subnetGroupName,
                        publiclyAccessible: args.publiclyAccessible,
                        tags: args.tags,
                    },
                    { parent, ignoreChanges },
                ),
        );
        // A cluster answers on its endpoint only once an instance runs: the address settles after
        // every cluster instance exists, so whatever connects with it (admin provider, users) waits.
        const masterAuthentication = password.iam
            ? iamMasterSwitch(name, "cluster", cluster.clusterIdentifier, password.generated!, args, {
                  parent,
                  dependsOn: clusterInstances,
                  deletedWith: cluster,
              })
            : undefined;
        const address = pulumi
            .all([
                cluster.endpoint,
                ...clusterInstances.map((i) => i.id),
                ...(masterAuthentication ? [masterAuthentication.id] : []),
            ])
            .apply(([endpoint]) => endpoint);
        return {
            masterAuthentication,
            address,
            port: cluster.port,
            resourceId: cluster.clusterResourceId,
            masterSecretArn: managedSecretArn(cluster.masterUserSecrets),
            generatedMasterPassword: password.generated,
            iamAuthErrorLogGroup: logGroup("cluster", cluster.clusterIdentifier),
            cluster,
            clusterInstances,
            connectable: [
                cluster,
                ...clusterInstances,
                ...(masterAuthentication ? [masterAuthentication] : []),
            ],
            storage: cluster,
        };
    }

    const instance = new aws.rds.Instance(
        `${name}-instance`,
        {
            ...common,
            engine: args.engine,
            instanceClass,
            allocatedStorage: args.allocatedStorage ?? 20,
            storageType: "gp3",
            username: args.masterUsername,
            password: password.generated,
            dbName: args.databaseName,
            parameterGroupName: parameters.name,
            publiclyAccessible: args.publiclyAccessible,
            multiAz: args.multiAz ?? false,
            autoMinorVersionUpgrade: choice.followsMinorUpgrades,
            // terraform-provider-aws blue_green_update: an engine version or class change runs as a
            // CreateBlueGreenDeployment and switchover (refused with a managed password, validateArgs.ts).
            blueGreenUpdate: args.blueGreenUpdate ? { enabled: true } : undefined,
        },
        { parent },
    );
    const masterAuthentication = password.iam
        ? iamMasterSwitch(name, "instance", instance.identifier, password.generated!, args, {
              parent,
              deletedWith: instance,
          })
        : undefined;
    return {
        masterAuthentication,
        address: instance.address,
        port: instance.port,
        resourceId: instance.resourceId,
        masterSecretArn: managedSecretArn(instance.masterUserSecrets),
        generatedMasterPassword: password.generated,
        iamAuthErrorLogGroup: logGroup("instance", instance.identifier),
        instance,
        clusterInstances: [],
        connectable: [instance, ...(masterAuthentication ? [masterAuthentication] : [])],
        storage: instance,
    };
}
