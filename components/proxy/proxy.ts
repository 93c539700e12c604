/**
 * DatabaseProxy: an RDS Proxy with end-to-end IAM authentication in front of a `Database`. Clients
 * sign IAM tokens for the proxy endpoint (granted `dbuser:prx-…/<user>`); the proxy logs in to the
 * database with IAM too, through its own role's `rds-db:connect` (`defaultAuthScheme: "IAM_AUTH"`,
 * no Secrets Manager secret: RDS User Guide, "Configuring IAM authentication for RDS Proxy"), and
 * refuses clients without TLS (`requireTls`).
 *
 * It creates the proxy, its default target group and one target (the instance, or the Aurora
 * cluster), its role (documents.ts), its own security group admitting the allowed sources to the
 * proxy port, and the network path proxy → database (an egress rule on the proxy's group and an
 * ingress rule on the database's). The Args are checked first, all at once (validateArgs.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { childName } from "../childNames";
import { ConnectGrant, connectPolicyDocument } from "../connectPolicy";
import { Database } from "../database";
import { regionKnownNow } from "../database/trust";
import { engineFacts } from "../engines";
import { throwIfInvalid } from "../errors";
import { DatabaseProxyArgs } from "./args";
import { proxyIdFromArn, proxyRolePolicy, proxyTrustPolicy } from "./documents";
import { proxyEngineFamily, proxySupportProblems } from "./support";
import { proxyUsers, subnetPlacementProblems, validateProxyArgs } from "./validateArgs";

export class DatabaseProxy extends pulumi.ComponentResource {
    /** The proxy endpoint host name (`<name>.proxy-….<region>.rds.amazonaws.com`): what clients connect to and sign tokens for. */
    public readonly endpoint: pulumi.Output<string>;
    /** The proxy port: its engine family's (3306 MySQL/MariaDB, 5432 PostgreSQL), the database's. */
    public readonly port: pulumi.Output<number>;
    /** The `prx-…` id from the proxy's ARN: what the clients' rds-db:connect ARNs name. */
    public readonly proxyId: pulumi.Output<string>;
    /** The proxy's ARN (`arn:aws:rds:<region>:<account>:db-proxy:prx-…`). */
    public readonly arn: pulumi.Output<string>;
    /** The proxy's role; settles only after its connect policy is attached. */
    public readonly roleArn: pulumi.Output<string>;
    /** The proxy's own security group (admits the allowed sources to the proxy port). */
    public readonly securityGroupId: pulumi.Output<string>;
    /** The database users the proxy logs in as (known at construction, for validation). */
    public readonly userNames: readonly string[];
    /** The database behind the proxy. */
    public readonly database: Database;
    /** Partition, region, account and the `prx-…` id: everything a client's rds-db:connect ARN needs but the user. */
    public readonly arnFacts: pulumi.Output<Omit<ConnectGrant, "username">>;
    /** The subnets the proxy runs in, once checked against the database's VPC. */
    public readonly subnetIds: pulumi.Output<string[]>;
    /** The name this component was given. */
    public readonly componentName: string;

    constructor(name: string, args: DatabaseProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        const knownRegion = args.database instanceof Database ? regionKnownNow(args.database) : undefined;
        throwIfInvalid(`DatabaseProxy "${name}"`, validateProxyArgs(name, args, knownRegion));
        super("rds-iam:index:DatabaseProxy", name, {}, opts);
        const parent = { parent: this };
        const database = args.database;
        const facts = engineFacts(database.engine);
        const tags = args.tags ?? {};
        this.componentName = name;
        this.database = database;
        this.userNames = proxyUsers(args);
        const users = this.userNames;

        // The region of an explicit provider is only known now: the same support rules, at preview.
        const engineFamily = database.region.apply((region) => {
            const problems = proxySupportProblems(database.engine, database.engineVersion, region);
            throwIfInvalid(
                `DatabaseProxy "${name}"`,
                problems.map((reason) => ({ property: "database", reason })),
            );
            return proxyEngineFamily(database.engine);
        });

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: pulumi
                    .all([database.partition, database.region, database.accountId])
                    .apply(([partition, region, accountId]) =>
                        proxyTrustPolicy({ partition, region, accountId }),
                    ),
                description: `rds-iam ${name}: RDS Proxy logging in to ${database.componentName} as ${users.join(", ")} with IAM`,
                tags,
            },
            parent,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-connect`,
            {
                role: role.name,
                policy: database.arnFacts.apply((db) => JSON.stringify(proxyRolePolicy(db, users))),
            },
            parent,
        );
        // The proxy must not try its first login before its role may connect.
        this.roleArn = pulumi.all([role.arn, rolePolicy.id]).apply(([arn]) => arn);

        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: database.vpcId,
                description: `rds-iam ${name}: RDS Proxy port ${facts.port} from allowed sources only`,
                tags,
            },
            parent,
        );
        this.securityGroupId = securityGroup.id;
        const ingress = (
            child: { name: string; aliases: pulumi.Alias[] },
            source: { referencedSecurityGroupId: pulumi.Input<string> } | { cidrIpv4: string },
        ) =>
            new aws.vpc.SecurityGroupIngressRule(
                child.name,
                {
                    securityGroupId: securityGroup.id,
                    ...source,
                    ipProtocol: "tcp",
                    fromPort: facts.port,
                    toPort: facts.port,
                    tags,
                },
                { parent: this, aliases: child.aliases },
            );
        (args.allowedSecurityGroupIds ?? []).forEach((sg, i) =>
            ingress(childName(`${name}-ingress-sg`, sg, i), { referencedSecurityGroupId: sg }),
        );
        (args.allowedCidrBlocks ?? []).forEach((cidr, i) =>
            ingress(childName(`${name}-ingress-cidr`, cidr, i), { cidrIpv4: cidr }),
        );
        // The proxy's only way out is the database port of the database's group, and the database's
        // group admits it (the proxy's ENIs use its security group: RDS User Guide, "Setting up
        // network prerequisites for RDS Proxy").
        const egress = new aws.vpc.SecurityGroupEgressRule(
            `${name}-to-database`,
            {
                securityGroupId: securityGroup.id,
                referencedSecurityGroupId: database.securityGroupId,
                ipProtocol: "tcp",
                fromPort: facts.port,
                toPort: facts.port,
                tags,
            },
            parent,
        );
        const databaseIngress = new aws.vpc.SecurityGroupIngressRule(
            `${name}-from-proxy`,
            {
                securityGroupId: database.securityGroupId,
                referencedSecurityGroupId: securityGroup.id,
                ipProtocol: "tcp",
                fromPort: facts.port,
                toPort: facts.port,
                tags,
            },
            parent,
        );

        this.subnetIds = this.checkedSubnets(name, args.subnetIds);
        const proxy = new aws.rds.Proxy(
            name,
            {
                engineFamily,
                requireTls: true,
                defaultAuthScheme: "IAM_AUTH",
                roleArn: this.roleArn,
                vpcSubnetIds: this.subnetIds,
                vpcSecurityGroupIds: [securityGroup.id],
                idleClientTimeout: args.idleClientTimeout ?? 1800,
                debugLogging: args.debugLogging ?? false,
                tags,
            },
            parent,
        );
        const targetGroup = new aws.rds.ProxyDefaultTargetGroup(
            `${name}-targets`,
            {
                dbProxyName: proxy.name,
                connectionPoolConfig: { maxConnectionsPercent: args.maxConnectionsPercent ?? 100 },
            },
            parent,
        );
        const target = new aws.rds.ProxyTarget(
            `${name}-target`,
            {
                dbProxyName: proxy.name,
                targetGroupName: targetGroup.name,
                ...(database.cluster !== undefined
                    ? { dbClusterIdentifier: database.cluster.clusterIdentifier }
                    : { dbInstanceIdentifier: database.instance!.identifier }),
            },
            // An Aurora target is registered once the cluster has its instances; every target once the
            // network path and the users the proxy logs in as exist.
            {
                parent: this,
                dependsOn: [
                    ...database.clusterInstances,
                    egress,
                    databaseIngress,
                    ...users.flatMap((u) => (database.users[u] ? [database.users[u]] : [])),
                ],
            },
        );

        this.arn = proxy.arn;
        this.proxyId = proxy.arn.apply(proxyIdFromArn);
        // Clients reach a proxy with a target; the endpoint settles once the target is registered.
        this.endpoint = pulumi.all([proxy.endpoint, target.id]).apply(([endpoint]) => endpoint);
        this.port = pulumi.output(facts.port);
        this.arnFacts = pulumi
            .all([database.partition, database.region, database.accountId, this.proxyId])
            .apply(([partition, region, accountId, resourceId]) => ({
                partition,
                region,
                accountId,
                resourceId,
            }));

        this.registerOutputs({
            endpoint: this.endpoint,
            port: this.port,
            proxyId: this.proxyId,
            arn: this.arn,
            roleArn: this.roleArn,
            securityGroupId: this.securityGroupId,
        });
    }

    /**
     * The subnets to give the proxy: the database's, or the ones given, checked (by aws.ec2.getSubnet,
     * at preview too) to be in the database's VPC and in two availability zones at least.
     */
    private checkedSubnets(name: string, given: pulumi.Input<string>[] | undefined): pulumi.Output<string[]> {
        if (given === undefined) return pulumi.output(this.database.subnetIds as pulumi.Input<string>[]);
        const subnets = given.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this }));
        return pulumi.all([pulumi.all(subnets), this.database.vpcId]).apply(([described, vpcId]) => {
            const placements = described.map((s) => ({
                id: s.id,
                vpcId: s.vpcId,
                availabilityZone: s.availabilityZone,
            }));
            throwIfInvalid(`DatabaseProxy "${name}"`, subnetPlacementProblems(placements, vpcId));
            return placements.map((s) => s.id);
        });
    }

    /**
     * Attaches an inline policy to `role` allowing `rds-db:connect` as `username` through this proxy
     * (`dbuser:prx-…/<username>`), and nothing on the database itself. For several users or
     * databases per role, prefer `DatabaseAccessRole` with `{ proxy, username }` grants.
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
                    reason: `user "${username}" is not one of proxy "${this.componentName}"'s users (${this.userNames.join(", ")}); add it to the DatabaseProxy's users or fix the name`,
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
