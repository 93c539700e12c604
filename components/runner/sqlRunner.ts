/**
 * SqlRunner: the Lambda function that runs the DatabaseUser provider's SQL from inside the
 * database's VPC, so `pulumi up` works from any machine with AWS credentials — a hosted CI runner,
 * a laptop without VPN — while the database stays private.
 *
 * It gets exactly what it needs: its own security group with one egress rule (the database port, to
 * the database's security group) and one ingress rule on the database's group from it; a role that
 * may manage the function's network interfaces and write its own log group, nothing else — no
 * Secrets Manager, no RDS (the provider sends the master password in each invocation, so the
 * subnets need no route to Secrets Manager: no NAT, no VPC endpoint).
 *
 * Every change publishes a version (`publish: true`), and the users invoke that version only, after
 * checking it runs rds-iam's own package (`codeSha256`, computed here from the .zip rds-iam writes,
 * package.ts), with no layers, no environment, this handler, runtime and role (verify.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { awsFacts } from "../awsFacts";
import { runnerPackage } from "./package";
import { RUNNER_HANDLER, RUNNER_RUNTIME } from "./verify";

export interface SqlRunnerArgs {
    /** Subnets the function runs in: the database's subnets, or any from which the database port is reachable. */
    readonly subnetIds: pulumi.Input<string>[];
    /** VPC of the subnets; the function's security group is created in it. */
    readonly vpcId: pulumi.Input<string>;
    /** The database's security group: it gets an ingress rule from the runner's, for `databasePort` only. */
    readonly databaseSecurityGroupId: pulumi.Input<string>;
    /** The database port (3306 / 5432). */
    readonly databasePort: pulumi.Input<number>;
    /**
     * With an IAM-only master (masterPassword "iam"): the policy document, `rds-db:connect` on the
     * master user, that lets the function sign the master's token with its own role.
     * @default none (the deployer sends the master password with each invocation)
     */
    readonly masterConnect?: pulumi.Input<object>;
    /**
     * The function's time limit, in seconds. The provider's own connect (15 s), lock (15 s) and
     * statement (60 s) limits end a stuck operation before it.
     * @default 120
     */
    readonly timeoutSeconds?: number;
    /**
     * Days the function's log group keeps logs (they never contain the master password).
     * @default 30
     */
    readonly logRetentionDays?: number;
    /** Tags for every resource created. @default {} */
    readonly tags?: Record<string, string>;
}

/** The role's permissions: its network interfaces in the VPC (AWS requires Resource "*" for these) and its own logs. */
export function runnerRolePolicy(
    partition: string,
    region: string,
    accountId: string,
    logGroup: string,
): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "VpcNetworkInterfaces",
                Effect: "Allow",
                Action: [
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses",
                ],
                Resource: "*",
            },
            {
                Sid: "OwnLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroup}:*`,
            },
        ],
    });
}

export class SqlRunner extends pulumi.ComponentResource {
    /** The function's name. */
    public readonly functionName: pulumi.Output<string>;
    /** The function's unqualified ARN: a DatabaseUser's `runnerFunction` (it names the region). */
    public readonly functionArn: pulumi.Output<string>;
    /** The version the function's last change published: a DatabaseUser's `runnerVersion`. */
    public readonly version: pulumi.Output<string>;
    /**
     * CodeSha256 of the package rds-iam deployed (base64 SHA-256 of its .zip), computed by rds-iam,
     * not read back from AWS: a DatabaseUser's `runnerCodeSha256`.
     */
    public readonly codeSha256: pulumi.Output<string>;
    /** The runner's security group (admitted by the database's). */
    public readonly securityGroupId: pulumi.Output<string>;
    /** The function's execution role: a DatabaseUser's `runnerRoleArn`. */
    public readonly roleArn: pulumi.Output<string>;
    /**
     * Everything an operation through the runner depends on — the function, its role policy, its
     * network path: a DatabaseUser that depends on these is dropped before any of them goes away.
     */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: SqlRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("rds-iam:index:SqlRunner", name, {}, opts);
        const parent = { parent: this };
        const tags = args.tags ?? {};
        const caller = awsFacts(this);
        const facts = pulumi.all([caller.partition, caller.region, caller.accountId]);

        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { vpcId: args.vpcId, description: `rds-iam ${name}: SQL runner, database port only`, tags },
            parent,
        );
        const egress = new aws.vpc.SecurityGroupEgressRule(
            `${name}-to-database`,
            {
                securityGroupId: securityGroup.id,
                referencedSecurityGroupId: args.databaseSecurityGroupId,
                ipProtocol: "tcp",
                fromPort: args.databasePort,
                toPort: args.databasePort,
                tags,
            },
            parent,
        );
        const ingress = new aws.vpc.SecurityGroupIngressRule(
            `${name}-from-runner`,
            {
                securityGroupId: args.databaseSecurityGroupId,
                referencedSecurityGroupId: securityGroup.id,
                ipProtocol: "tcp",
                fromPort: args.databasePort,
                toPort: args.databasePort,
                tags,
            },
            parent,
        );

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: args.logRetentionDays ?? 30, tags },
            parent,
        );
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `rds-iam ${name}: SQL runner function`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "lambda.amazonaws.com" },
                            Action: "sts:AssumeRole",
                        },
                    ],
                }),
                tags,
            },
            parent,
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.name,
                policy: pulumi
                    .all([facts, logGroup.name])
                    .apply(([[partition, region, accountId], group]) =>
                        runnerRolePolicy(partition, region, accountId, group),
                    ),
            },
            parent,
        );

        const pkg = runnerPackage();
        const fn = new aws.lambda.Function(
            `${name}-function`,
            {
                description: `rds-iam ${name}: creates and drops IAM database users from inside the VPC`,
                runtime: RUNNER_RUNTIME,
                handler: RUNNER_HANDLER,
                // The .zip itself, uploaded byte for byte (package.ts), so its CodeSha256 is known here.
                code: new pulumi.asset.FileArchive(pkg.path),
                // Lambda's hash of the deployed code: a refresh that finds other code makes the next up
                // deploy this again (and publish a clean version).
                codeSha256: pkg.codeSha256,
                publish: true,
                role: role.arn,
                timeout: args.timeoutSeconds ?? 120,
                memorySize: 256,
                vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [securityGroup.id] },
                loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
                tags,
            },
            { parent: this, dependsOn: [policy] },
        );

        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.version = fn.version;
        this.codeSha256 = pulumi.output(pkg.codeSha256);
        this.securityGroupId = securityGroup.id;
        this.roleArn = role.arn;
        const masterConnect =
            args.masterConnect === undefined
                ? undefined
                : new aws.iam.RolePolicy(
                      `${name}-master-connect`,
                      {
                          role: role.name,
                          policy: pulumi.output(args.masterConnect).apply((d) => JSON.stringify(d)),
                      },
                      parent,
                  );
        this.ready = [fn, policy, egress, ingress, ...(masterConnect ? [masterConnect] : [])];
        this.registerOutputs({
            functionName: this.functionName,
            functionArn: this.functionArn,
            version: this.version,
            codeSha256: this.codeSha256,
            securityGroupId: this.securityGroupId,
            roleArn: this.roleArn,
        });
    }
}
