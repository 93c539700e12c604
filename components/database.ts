/**
 * Database: an RDS instance (MySQL, MariaDB, PostgreSQL) or an Aurora cluster with IAM database
 * authentication on, TLS forced by a parameter group, storage encrypted, the master password
 * managed by RDS in Secrets Manager, and one `DatabaseUser` per IAM user.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as mysql from "@pulumi/mysql";
import * as postgresql from "@pulumi/postgresql";
import { connectPolicyDocument } from "./connectPolicy";
import { DatabaseArgs, throwIfInvalid, validateDatabaseArgs } from "./databaseArgs";
import { DatabaseUser } from "./databaseUser";
import { Engine, engineFacts } from "./engines";
import { majorVersionOf, parameterGroupFamily } from "./engineVersions";
import { normalizePrivileges } from "./validation";

export { DatabaseArgs, DatabaseUserSpec } from "./databaseArgs";

export class Database extends pulumi.ComponentResource {
    /** Endpoint host name (instance address, or the Aurora cluster writer endpoint). */
    public readonly address: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    /** `db-…` DbiResourceId, or `cluster-…` DbClusterResourceId for Aurora: what rds-db:connect ARNs name. */
    public readonly resourceId: pulumi.Output<string>;
    public readonly engine: Engine;
    /** ARN of the RDS-managed Secrets Manager secret holding the master credentials. */
    public readonly masterSecretArn: pulumi.Output<string>;
    public readonly masterUsername: string;
    public readonly securityGroupId: pulumi.Output<string>;
    /** The IAM database users, by user name. */
    public readonly users: Record<string, DatabaseUser>;
    /** Names of the IAM users this database defines (known at construction, for validation). */
    public readonly userNames: readonly string[];
    /** Region and account of the database, for rds-db:connect ARNs. */
    public readonly region: pulumi.Output<string>;
    public readonly accountId: pulumi.Output<string>;
    public readonly partition: pulumi.Output<string>;
    /** Partition, region, account and resource id together: everything an rds-db:connect ARN needs but the user. */
    public readonly arnFacts: pulumi.Output<{
        partition: string;
        region: string;
        accountId: string;
        resourceId: string;
    }>;
    /** The initial database name (PostgreSQL default "postgres"). */
    public readonly databaseName: string | undefined;
    /**
     * A `@pulumi/postgresql` or `@pulumi/mysql` provider logged in as master over TLS (credentials
     * from the managed secret, as a Pulumi secret), for extra databases, schemas and grants.
     */
    public readonly adminProvider: postgresql.Provider | mysql.Provider;
    /** The instance (instance engines) or cluster (Aurora). */
    public readonly instance?: aws.rds.Instance;
    public readonly cluster?: aws.rds.Cluster;
    public readonly clusterInstances: aws.rds.ClusterInstance[] = [];
    /** The name this component was given. */
    public readonly componentName: string;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(`Database "${name}"`, validateDatabaseArgs(args));
        super("rds-iam:index:Database", name, {}, opts);

        this.componentName = name;
        const engine = args.engine;
        const facts = engineFacts(engine);
        const family = facts.family;
        const version = args.engineVersion ?? facts.defaultMajorVersion;
        const port = facts.port;
        const tags = args.tags ?? {};
        this.engine = engine;
        this.masterUsername = args.masterUsername ?? "dbmaster";
        this.databaseName = args.databaseName ?? facts.defaultDatabase;
        this.userNames = (args.users ?? []).map((u) => u.username);

        const parent = { parent: this };
        this.region = aws.getRegionOutput({}, parent).region;
        this.accountId = aws.getCallerIdentityOutput({}, parent).accountId;
        this.partition = aws.getPartitionOutput({}, parent).partition;

        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: `rds-iam ${name}: ${engine} port ${port} from allowed sources only`,
                tags,
            },
            parent,
        );
        (args.allowedSecurityGroupIds ?? []).forEach(
            (sourceSg, i) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-ingress-sg-${i}`,
                    {
                        securityGroupId: securityGroup.id,
                        referencedSecurityGroupId: sourceSg,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        tags,
                    },
                    parent,
                ),
        );
        (args.allowedCidrBlocks ?? []).forEach(
            (cidr, i) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-ingress-cidr-${i}`,
                    {
                        securityGroupId: securityGroup.id,
                        cidrIpv4: cidr,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        tags,
                    },
                    parent,
                ),
        );
        this.securityGroupId = securityGroup.id;

        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-subnets`,
            { subnetIds: args.subnetIds, tags },
            parent,
        );
        const tlsParameter = [{ name: facts.tlsParameter, value: "1", applyMethod: "immediate" }];
        const pgFamily = parameterGroupFamily(engine, majorVersionOf(engine, version));
        const common = {
            engine,
            engineVersion: version,
            iamDatabaseAuthenticationEnabled: true,
            storageEncrypted: true,
            kmsKeyId: args.kmsKeyId,
            manageMasterUserPassword: true,
            dbSubnetGroupName: subnetGroup.name,
            vpcSecurityGroupIds: [securityGroup.id],
            deletionProtection: args.deletionProtection ?? true,
            backupRetentionPeriod: args.backupRetentionDays ?? 7,
            skipFinalSnapshot: args.skipFinalSnapshot ?? false,
            finalSnapshotIdentifier: args.skipFinalSnapshot ? undefined : `${name}-final`,
            copyTagsToSnapshot: true,
            tags,
        };

        let masterSecrets: pulumi.Output<{ secretArn: string }[]>;
        if (facts.aurora) {
            const parameters = new aws.rds.ClusterParameterGroup(
                `${name}-params`,
                {
                    family: pgFamily,
                    description: `rds-iam ${name}: TLS required`,
                    parameters: tlsParameter,
                    tags,
                },
                parent,
            );
            const cluster = new aws.rds.Cluster(
                `${name}-cluster`,
                {
                    ...common,
                    engine: engine as aws.rds.EngineType,
                    masterUsername: this.masterUsername,
                    databaseName: args.databaseName,
                    dbClusterParameterGroupName: parameters.name,
                },
                parent,
            );
            for (let i = 0; i < (args.instances ?? 1); i++) {
                this.clusterInstances.push(
                    new aws.rds.ClusterInstance(
                        `${name}-instance-${i}`,
                        {
                            clusterIdentifier: cluster.id,
                            engine: engine as aws.rds.EngineType,
                            engineVersion: version,
                            instanceClass: args.instanceClass ?? facts.defaultInstanceClass,
                            dbSubnetGroupName: subnetGroup.name,
                            publiclyAccessible: args.publiclyAccessible ?? false,
                            tags,
                        },
                        parent,
                    ),
                );
            }
            this.cluster = cluster;
            this.address = cluster.endpoint;
            this.port = cluster.port;
            this.resourceId = cluster.clusterResourceId;
            masterSecrets = cluster.masterUserSecrets;
        } else {
            const parameters = new aws.rds.ParameterGroup(
                `${name}-params`,
                {
                    family: pgFamily,
                    description: `rds-iam ${name}: TLS required`,
                    parameters: tlsParameter,
                    tags,
                },
                parent,
            );
            const instance = new aws.rds.Instance(
                `${name}-instance`,
                {
                    ...common,
                    instanceClass: args.instanceClass ?? facts.defaultInstanceClass,
                    allocatedStorage: args.allocatedStorage ?? 20,
                    storageType: "gp3",
                    username: this.masterUsername,
                    dbName: args.databaseName,
                    parameterGroupName: parameters.name,
                    publiclyAccessible: args.publiclyAccessible ?? false,
                    multiAz: args.multiAz ?? false,
                    autoMinorVersionUpgrade: true,
                },
                parent,
            );
            this.instance = instance;
            this.address = instance.address;
            this.port = instance.port;
            this.resourceId = instance.resourceId;
            masterSecrets = instance.masterUserSecrets;
        }
        this.masterSecretArn = masterSecrets.apply((secrets) => secrets[0].secretArn);
        this.arnFacts = pulumi
            .all([this.partition, this.region, this.accountId, this.resourceId])
            .apply(([partition, region, accountId, resourceId]) => ({
                partition,
                region,
                accountId,
                resourceId,
            }));

        // The IAM users can only be created once the database (and, on Aurora, a writer) exists.
        const ready = [this.instance, this.cluster, ...this.clusterInstances].filter((r) => r !== undefined);
        this.users = {};
        for (const spec of args.users ?? []) {
            this.users[spec.username] = new DatabaseUser(
                `${name}-user-${spec.username}`,
                {
                    engine,
                    host: this.address,
                    port: this.port,
                    username: spec.username,
                    database: this.databaseName,
                    privileges: normalizePrivileges(spec.privileges, engine),
                    master: { username: this.masterUsername, secretArn: this.masterSecretArn },
                    region: this.region,
                },
                { parent: this, dependsOn: ready },
            );
        }

        this.adminProvider = this.createAdminProvider(name, family, masterSecrets);

        this.registerOutputs({
            address: this.address,
            port: this.port,
            resourceId: this.resourceId,
            engine: this.engine,
            masterSecretArn: this.masterSecretArn,
            securityGroupId: this.securityGroupId,
        });
    }

    /**
     * Attaches an inline policy to `role` allowing `rds-db:connect` as `username` on this database.
     * For several users or databases per role, prefer `DatabaseAccessRole`.
     */
    public grantConnect(
        role: aws.iam.Role,
        username: string,
        opts?: pulumi.CustomResourceOptions,
    ): aws.iam.RolePolicy {
        if (!this.userNames.includes(username)) {
            throwIfInvalid("grantConnect", [
                {
                    property: "username",
                    reason: `user "${username}" is not one of this database's users (${this.userNames.join(", ") || "none"}); add it to users or fix the name`,
                },
            ]);
        }
        const policy = this.arnFacts.apply((facts) =>
            JSON.stringify(connectPolicyDocument([{ ...facts, username }])),
        );
        return new aws.iam.RolePolicy(
            `${this.componentName}-connect-${username}`,
            { role: role.name, policy },
            { parent: this, ...opts },
        );
    }

    private createAdminProvider(
        name: string,
        family: "mysql" | "postgres",
        masterSecrets: pulumi.Output<{ secretArn: string }[]>,
    ): postgresql.Provider | mysql.Provider {
        const secret = aws.secretsmanager.getSecretVersionOutput(
            { secretId: masterSecrets.apply((s) => s[0].secretArn) },
            { parent: this },
        );
        const password = pulumi.secret(secret.secretString.apply((s) => JSON.parse(s).password as string));
        const opts = { parent: this };
        if (family === "postgres") {
            return new postgresql.Provider(
                `${name}-admin`,
                {
                    host: this.address,
                    port: this.port,
                    username: this.masterUsername,
                    password,
                    database: this.databaseName,
                    sslmode: "verify-full",
                    superuser: false,
                },
                opts,
            );
        }
        return new mysql.Provider(
            `${name}-admin`,
            {
                endpoint: pulumi.interpolate`${this.address}:${this.port}`,
                username: this.masterUsername,
                password,
                tls: "true",
            },
            opts,
        );
    }
}
