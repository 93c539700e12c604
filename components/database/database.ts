/**
 * Database: an RDS instance (MySQL, MariaDB, PostgreSQL) or an Aurora cluster with IAM database
 * authentication on, TLS forced by a parameter group, storage encrypted, the master password
 * managed by RDS in Secrets Manager, and one `DatabaseUser` per IAM user. The constructor composes
 * the parts: network.ts (security group and ingress), server.ts (parameter group, instance or
 * cluster), adminProvider.ts; the Args are checked first, all at once (validateArgs.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { awsFacts } from "../awsFacts";
import { connectPolicyDocument } from "../connectPolicy";
import { DatabaseUser, MasterCredentials, makeDatabaseUser } from "../databaseUser";
import { Engine, engineFacts } from "../engines";
import { throwIfInvalid } from "../errors";
import { iamAuthSupportFailures } from "../iamAuthSupport";
import { rdsCaCoverageProblem } from "../rdsCa";
import { SqlRunner } from "../runner/sqlRunner";
import { normalizePrivileges } from "../validation";
import { AdminProvider, createAdminProvider } from "./adminProvider";
import { DatabaseArgs } from "./args";
import { stackAwsAccess } from "./awsAccess";
import type { AwsAccessInput } from "../provider/secrets";
import { createNetwork } from "./network";
import { IAM_ADMIN_USERNAME } from "./masterPasswordRules";
import { createServer } from "./server";
import { regionKnownNow, trustedCertificates as trusted } from "./trust";
import { validateDatabaseArgs } from "./validateArgs";

export class Database extends pulumi.ComponentResource {
    /** Endpoint host name (instance address, or the Aurora cluster writer endpoint). */
    public readonly address: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    /** `db-…` DbiResourceId, or `cluster-…` DbClusterResourceId for Aurora: what rds-db:connect ARNs name. */
    public readonly resourceId: pulumi.Output<string>;
    public readonly engine: Engine;
    /**
     * ARN of the RDS-managed Secrets Manager secret holding the master credentials; undefined with
     * `masterPassword: "generated"` (the password is then a Pulumi secret in the state).
     */
    public readonly masterSecretArn: pulumi.Output<string | undefined>;
    public readonly masterUsername: string;
    public readonly securityGroupId: pulumi.Output<string>;
    /** The IAM database users, by user name. */
    public readonly users: Record<string, DatabaseUser>;
    /** With `iamAdmin`: the IAM admin the users are made by (`iam_admin`), made by the master. */
    public readonly iamAdminUser?: DatabaseUser;
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
     * A `@pulumi/postgresql` or `@pulumi/mysql` provider logged in as master over verified TLS
     * (credentials from the managed secret, as a Pulumi secret), for extra databases, schemas and
     * grants; use it with `adminResourceOptions`. Undefined when not made (`DatabaseArgs.adminProvider`:
     * by default only for PostgreSQL engines, see there why).
     */
    public readonly adminProvider?: AdminProvider;
    /**
     * Options for resources made through `adminProvider` (databases, schemas, grants): the provider,
     * a dependency on the network path so `pulumi destroy` revokes access only after them, and
     * `deletedWith` the database, so destroying the database does not first drop them one by one.
     */
    public readonly adminResourceOptions?: pulumi.CustomResourceOptions;
    /** Where RDS publishes IAM authentication errors (`iamAuthErrorLogRetentionDays`), unless turned off. */
    public readonly iamAuthErrorLogGroup?: aws.cloudwatch.LogGroup;
    /** The ingress rules by which the deployer and the workloads reach the database. */
    public readonly ingressRules: readonly aws.vpc.SecurityGroupIngressRule[];
    /** The instance (instance engines) or cluster (Aurora). */
    public readonly instance?: aws.rds.Instance;
    public readonly cluster?: aws.rds.Cluster;
    public readonly clusterInstances: aws.rds.ClusterInstance[];
    /** The name this component was given. */
    public readonly componentName: string;
    /** The function the users' SQL runs in (sqlRunner "lambda", the default), when there are users. */
    public readonly sqlRunner?: SqlRunner;
    /** The VPC and subnets the database was given (a DatabaseProxy's defaults and its VPC check). */
    public readonly vpcId: pulumi.Input<string>;
    public readonly subnetIds: readonly pulumi.Input<string>[];
    /** The engineVersion the database was given, undefined for the engine's default (a DatabaseProxy's version check). */
    public readonly engineVersion: string | undefined;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(`Database "${name}"`, validateDatabaseArgs(args));
        super("rds-iam:index:Database", name, {}, opts);
        // IAM authentication where RDS offers it (iamAuthSupport.ts): refused now when the region is
        // known, else once an explicit provider answers with its region, still at preview.
        const iamSupport = (region: string | undefined) =>
            throwIfInvalid(
                `Database "${name}"`,
                iamAuthSupportFailures(args.engine, args.engineVersion, args.instanceClass, region),
            );
        iamSupport(regionKnownNow(this));

        const engine = args.engine;
        const facts = engineFacts(engine);
        const tags = args.tags ?? {};
        this.componentName = name;
        this.engine = engine;
        this.masterUsername = args.masterUsername ?? "dbmaster";
        this.databaseName = args.databaseName ?? facts.defaultDatabase;
        this.userNames = (args.users ?? []).map((u) => u.username);
        this.vpcId = args.vpcId;
        this.subnetIds = [...args.subnetIds];
        this.engineVersion = args.engineVersion;

        const parent = { parent: this };
        const caller = awsFacts(this);
        this.region = caller.region;
        this.accountId = caller.accountId;
        this.partition = caller.partition;

        const network = createNetwork(
            name,
            {
                engine,
                port: facts.port,
                vpcId: args.vpcId,
                allowedSecurityGroupIds: args.allowedSecurityGroupIds ?? [],
                allowedCidrBlocks: args.allowedCidrBlocks ?? [],
                tags,
            },
            this,
        );
        this.securityGroupId = network.securityGroup.id;
        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-subnets`,
            { subnetIds: args.subnetIds, tags },
            parent,
        );
        const server = createServer(
            name,
            {
                engine,
                engineVersion: args.engineVersion,
                masterUsername: this.masterUsername,
                masterPassword: args.masterPassword ?? "managed",
                blueGreenUpdate: args.blueGreenUpdate ?? false,
                applyImmediately: args.applyImmediately ?? false,
                iamAuthErrorLogRetentionDays:
                    args.iamAuthErrorLogRetentionDays === false
                        ? undefined
                        : (args.iamAuthErrorLogRetentionDays ?? 30),
                databaseName: args.databaseName,
                instanceClass: args.instanceClass,
                allocatedStorage: args.allocatedStorage,
                publiclyAccessible: args.publiclyAccessible ?? false,
                multiAz: args.multiAz,
                instances: args.instances ?? 1,
                deletionProtection: args.deletionProtection ?? true,
                backupRetentionDays: args.backupRetentionDays ?? 7,
                skipFinalSnapshot: args.skipFinalSnapshot ?? false,
                kmsKeyId: args.kmsKeyId,
                tags,
                subnetGroupName: subnetGroup.name,
                securityGroupId: network.securityGroup.id,
                region: this.region,
                aws: stackAwsAccess(this) as pulumi.Output<AwsAccessInput | undefined>,
            },
            this,
        );
        this.instance = server.instance;
        this.cluster = server.cluster;
        this.clusterInstances = server.clusterInstances;
        this.iamAuthErrorLogGroup = server.iamAuthErrorLogGroup;
        this.address = server.address;
        this.port = server.port;
        this.resourceId = server.resourceId;
        this.masterSecretArn = server.masterSecretArn;
        this.arnFacts = pulumi
            .all([this.partition, this.region, this.accountId, this.resourceId])
            .apply(([partition, region, accountId, resourceId]) => ({
                partition,
                region,
                accountId,
                resourceId,
            }));

        this.ingressRules = network.ingressRules;
        // The certificates that verify the server (trust.ts): a region the RDS CA bundle lacks fails
        // here when the region is known now, else every connecting resource at preview.
        const knownRegion = regionKnownNow(this);
        if (knownRegion !== undefined && args.caCertificate === undefined) {
            const problem = rdsCaCoverageProblem(`database "${name}"`, knownRegion, "caCertificate");
            if (problem !== undefined)
                throwIfInvalid(`Database "${name}"`, [{ property: "caCertificate", reason: problem }]);
        }
        const trustedCertificates = this.region.apply((region) => {
            iamSupport(region);
            return trusted(`Database "${name}"`, region, args.caCertificate);
        });
        // Whatever connects waits for the database (on Aurora, its instances) and for the network
        // path, and is deleted with the database: destroy never revokes access before the last
        // statement, and never drops users one by one from a database that is going away anyway.
        const connects = {
            parent: this,
            dependsOn: [...server.connectable, ...network.ingressRules],
            deletedWith: server.storage,
        };
        // The users' SQL runs from inside the VPC unless asked otherwise (args.ts, sqlRunner). The
        // users depend on the runner and its network path, so they are dropped before those go.
        const iamAdmin = args.iamAdmin === true && (args.users ?? []).length > 0;
        const runner =
            (args.sqlRunner ?? "lambda") === "lambda" && (args.users ?? []).length > 0
                ? new SqlRunner(
                      `${name}-runner`,
                      {
                          subnetIds: args.subnetIds,
                          vpcId: args.vpcId,
                          databaseSecurityGroupId: network.securityGroup.id,
                          databasePort: facts.port,
                          timeoutSeconds: args.runnerTimeoutSeconds,
                          // With an IAM-only master or an IAM admin the runner signs that user's
                          // token with its role.
                          masterConnect:
                              server.masterAuthentication || iamAdmin
                                  ? this.arnFacts.apply((facts) =>
                                        connectPolicyDocument([
                                            {
                                                ...facts,
                                                username: iamAdmin ? IAM_ADMIN_USERNAME : this.masterUsername,
                                            },
                                        ]),
                                    )
                                  : undefined,
                          tags,
                      },
                      parent,
                  )
                : undefined;
        this.sqlRunner = runner;
        this.users = {};
        if ((args.users ?? []).length > 0) {
            // Shared by every user: one Output for the master credentials, not one per user and field.
            // It fails the users at preview where no CA can verify the server, and master.aws names
            // the stack's AWS profile and roles, so the provider reads the secret as the AWS provider
            // would; the secret's ARN names its region. The port is the engine's (RDS never moves it).
            // With a generated password the block carries it, so the whole block is a Pulumi secret.
            // An IAM-only master: no password at all, a token signed by the deployer or the runner.
            const master: pulumi.Output<MasterCredentials> = server.masterAuthentication
                ? pulumi.all([stackAwsAccess(this), trustedCertificates]).apply(([aws]) => ({
                      username: this.masterUsername,
                      iamAuth: true,
                      ...(aws === undefined ? {} : { aws }),
                  }))
                : server.generatedMasterPassword !== undefined
                  ? pulumi
                        .all([server.generatedMasterPassword, trustedCertificates])
                        .apply(([password]) => ({ username: this.masterUsername, password }))
                  : pulumi
                        .all([this.masterSecretArn, stackAwsAccess(this), trustedCertificates])
                        .apply(([secretArn, aws]) => ({
                            username: this.masterUsername,
                            secretArn: secretArn as string,
                            ...(aws === undefined ? {} : { aws }),
                        }));
            const optional = {
                ...(args.caCertificate === undefined ? {} : { caCertificate: args.caCertificate }),
                ...(args.connectHost === undefined ? {} : { connectHost: args.connectHost }),
                ...(args.connectPort === undefined ? {} : { connectPort: args.connectPort }),
                // The runner's ARN names its region, which the provider's Lambda client uses; the
                // version, its package's hash and its role are what the provider checks before it
                // sends the master password (runner/verify.ts).
                ...(runner === undefined
                    ? {}
                    : {
                          sqlRunner: "lambda" as const,
                          runnerFunction: runner.functionArn,
                          runnerVersion: runner.version,
                          runnerCodeSha256: runner.codeSha256,
                          runnerRoleArn: runner.roleArn,
                      }),
            };
            const userOptions =
                runner === undefined
                    ? connects
                    : { ...connects, dependsOn: [...connects.dependsOn, ...runner.ready] };
            // iamAdmin: the master makes the IAM admin (the one step with the master password); the
            // users are then made by the admin, logging in with a token.
            this.iamAdminUser = iamAdmin
                ? makeDatabaseUser(
                      `${name}-iam-admin`,
                      {
                          engine,
                          host: this.address,
                          port: facts.port,
                          username: IAM_ADMIN_USERNAME,
                          database: this.databaseName,
                          privileges: [],
                          iamAdmin: true,
                          master,
                          ...optional,
                      },
                      userOptions,
                  )
                : undefined;
            const usersMaster: pulumi.Output<MasterCredentials> = iamAdmin
                ? pulumi.all([stackAwsAccess(this), trustedCertificates]).apply(([aws]) => ({
                      username: IAM_ADMIN_USERNAME,
                      iamAuth: true,
                      masterUsername: this.masterUsername,
                      ...(aws === undefined ? {} : { aws }),
                  }))
                : master;
            for (const spec of args.users ?? []) {
                this.users[spec.username] = makeDatabaseUser(
                    `${name}-user-${spec.username}`,
                    {
                        engine,
                        host: this.address,
                        port: facts.port,
                        username: spec.username,
                        database: this.databaseName,
                        privileges: normalizePrivileges(spec.privileges, engine),
                        master: usersMaster,
                        ...optional,
                    },
                    this.iamAdminUser
                        ? { ...userOptions, dependsOn: [...userOptions.dependsOn, this.iamAdminUser] }
                        : userOptions,
                );
            }
        }

        const wantsAdminProvider = args.adminProvider ?? facts.family === "postgres";
        this.adminProvider = !wantsAdminProvider
            ? undefined
            : createAdminProvider(
                  name,
                  {
                      engine,
                      address: this.address,
                      port: this.port,
                      masterUsername: this.masterUsername,
                      master: server.masterAuthentication
                          ? {
                                iamAuth: true,
                                region: this.region,
                                aws: stackAwsAccess(this) as pulumi.Output<AwsAccessInput | undefined>,
                            }
                          : server.generatedMasterPassword !== undefined
                            ? { password: server.generatedMasterPassword }
                            : { secretArn: this.masterSecretArn as pulumi.Output<string> },
                      databaseName: this.databaseName,
                      networkPath: network.ingressRules,
                      trustedCertificates,
                  },
                  this,
              );
        this.adminResourceOptions = this.adminProvider && {
            provider: this.adminProvider,
            dependsOn: connects.dependsOn,
            deletedWith: connects.deletedWith,
        };

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
}
