/**
 * What the real AWS provider (terraform-provider-aws through the Pulumi bridge) and the AWS APIs
 * refuse for the resource types rds-iam creates: required inputs, enum values, inputs that exclude
 * each other, ranges; and which inputs replace a resource when they change (ForceNew). One table
 * for the mocks and for the engine's test `aws` plugin, so neither is friendlier than AWS.
 *
 * Sources, per type: the terraform-provider-aws schema file named in `source` (field definitions:
 * Required, ValidateFunc, ConflictsWith/ExactlyOneOf, ForceNew) and the AWS API reference of the
 * create call. Only the inputs rds-iam sets, or could set by mistake, are listed.
 */

import { isEngine } from "../../components/engines";
import { masterPasswordProblem } from "../../components/database/masterPasswordRules";

export interface SchemaFailure {
    readonly property: string;
    readonly reason: string;
}

type Inputs = Record<string, any>;

export interface TypeSchema {
    /** The terraform-provider-aws file (and API reference) this entry follows. */
    readonly source: string;
    readonly required?: readonly string[];
    readonly enums?: Readonly<Record<string, readonly (string | number)[]>>;
    /** Exactly one of each group must be set. */
    readonly exactlyOneOf?: readonly (readonly string[])[];
    /** Pairs that may not both be set. */
    readonly conflicts?: readonly (readonly [string, string])[];
    readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
    /** Inputs whose change replaces the resource. */
    readonly forceNew: readonly string[];
    /** The name the provider generates when none is given (Pulumi autonaming). */
    readonly autoname?: {
        readonly property: string;
        readonly maxLength: number;
        readonly lowercase?: boolean;
    };
    /** Further rules of the API that the schema cannot express. */
    readonly validate?: (inputs: Inputs) => SchemaFailure[];
}

/** CreateDBInstance `Engine` values (RDS API Reference, CreateDBInstance, "Valid Values"). */
const INSTANCE_ENGINES = [
    "aurora-mysql",
    "aurora-postgresql",
    "custom-oracle-ee",
    "custom-oracle-ee-cdb",
    "custom-oracle-se2",
    "custom-oracle-se2-cdb",
    "custom-sqlserver-ee",
    "custom-sqlserver-se",
    "custom-sqlserver-web",
    "custom-sqlserver-dev",
    "db2-ae",
    "db2-se",
    "mariadb",
    "mysql",
    "oracle-ee",
    "oracle-ee-cdb",
    "oracle-se2",
    "oracle-se2-cdb",
    "postgres",
    "sqlserver-ee",
    "sqlserver-se",
    "sqlserver-ex",
    "sqlserver-web",
];

/** Lambda runtimes still accepted for new functions (Lambda Developer Guide, "Supported runtimes"). */
const LAMBDA_RUNTIMES = [
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "nodejs24.x",
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "java11",
    "java17",
    "java21",
    "dotnet8",
    "ruby3.3",
    "ruby3.4",
    "provided.al2",
    "provided.al2023",
];

const set = (v: unknown) => v !== undefined && v !== null && v !== "";

/**
 * The master password when RDS does not manage it: required, and within the engine's rules (RDS API
 * Reference, CreateDBInstance/CreateDBCluster MasterUserPassword: "Can include any printable ASCII
 * character except "/", """, or "@"", 8 to 41 characters, 8 to 128 on RDS for PostgreSQL).
 */
function masterPasswordRules(inputs: Inputs, property: "password" | "masterPassword"): SchemaFailure[] {
    if (inputs.manageMasterUserPassword === true) return [];
    if (!set(inputs[property]))
        return [
            {
                property,
                reason: "InvalidParameterValue: The parameter MasterUserPassword must be provided and must not be blank",
            },
        ];
    const problem = isEngine(inputs.engine)
        ? masterPasswordProblem(inputs.engine, String(inputs[property]))
        : undefined;
    return problem === undefined
        ? []
        : [
              {
                  property,
                  reason: `InvalidParameterValue: The parameter MasterUserPassword is not a valid password: ${problem}`,
              },
          ];
}

/**
 * The log types each engine exports (RDS API Reference: CreateDBInstance and CreateDBCluster,
 * EnableCloudwatchLogsExports, "The following values are valid for each DB engine").
 */
const LOG_EXPORTS: Record<string, readonly string[]> = {
    mysql: ["audit", "error", "general", "slowquery", "iam-db-auth-error"],
    mariadb: ["audit", "error", "general", "slowquery", "iam-db-auth-error"],
    postgres: ["postgresql", "upgrade", "iam-db-auth-error"],
    "aurora-mysql": ["audit", "error", "general", "instance", "slowquery", "iam-db-auth-error"],
    "aurora-postgresql": ["instance", "postgresql", "iam-db-auth-error"],
};

function logExportRules(inputs: Inputs): SchemaFailure[] {
    const valid = LOG_EXPORTS[String(inputs.engine)];
    const asked = (inputs.enabledCloudwatchLogsExports ?? []) as string[];
    const invalid = valid === undefined ? [] : asked.filter((t) => !valid.includes(t));
    return invalid.length === 0
        ? []
        : [
              {
                  property: "enabledCloudwatchLogsExports",
                  reason: `InvalidParameterCombination: You cannot use the log types '${invalid.join("', '")}' with engine ${inputs.engine} (valid: ${valid.join(", ")})`,
              },
          ];
}

/** AWS's rule for instance creation without a source: a master user name and storage are needed. */
function instanceCreateRules(inputs: Inputs): SchemaFailure[] {
    const fromSource = set(inputs.replicateSourceDb) || set(inputs.snapshotIdentifier);
    const failures: SchemaFailure[] = [];
    if (!fromSource && !set(inputs.engine))
        failures.push({ property: "engine", reason: '"engine": required field is not set' });
    if (String(inputs.engine ?? "").startsWith("aurora"))
        failures.push({
            property: "engine",
            reason: "InvalidParameterCombination: an Aurora engine makes a cluster instance (aws.rds.ClusterInstance), not an aws.rds.Instance",
        });
    if (!fromSource && !set(inputs.username))
        failures.push({
            property: "username",
            reason: "InvalidParameterValue: The parameter MasterUsername must be provided",
        });
    if (!fromSource && !set(inputs.allocatedStorage))
        failures.push({
            property: "allocatedStorage",
            reason: "InvalidParameterValue: allocatedStorage is required for a new instance",
        });
    if (inputs.storageType === "gp3" && Number(inputs.allocatedStorage ?? 20) < 20)
        failures.push({
            property: "allocatedStorage",
            reason: "InvalidParameterCombination: gp3 storage needs at least 20 GiB",
        });
    if (inputs.manageMasterUserPassword === true && set(inputs.password))
        failures.push({
            property: "password",
            reason: '"password": conflicts with manage_master_user_password',
        });
    if (!fromSource) failures.push(...masterPasswordRules(inputs, "password"));
    failures.push(...logExportRules(inputs));
    if (inputs.skipFinalSnapshot === false && !set(inputs.finalSnapshotIdentifier))
        failures.push({
            property: "finalSnapshotIdentifier",
            reason: "final_snapshot_identifier is required when skip_final_snapshot is false",
        });
    return failures;
}

function clusterCreateRules(inputs: Inputs): SchemaFailure[] {
    const failures: SchemaFailure[] = [];
    if (inputs.manageMasterUserPassword === true && set(inputs.masterPassword))
        failures.push({
            property: "masterPassword",
            reason: '"master_password": conflicts with manage_master_user_password',
        });
    if (!set(inputs.snapshotIdentifier) && !set(inputs.globalClusterIdentifier))
        failures.push(...masterPasswordRules(inputs, "masterPassword"));
    failures.push(...logExportRules(inputs));
    if (
        !set(inputs.snapshotIdentifier) &&
        !set(inputs.masterUsername) &&
        !set(inputs.globalClusterIdentifier)
    )
        failures.push({
            property: "masterUsername",
            reason: "InvalidParameterValue: The parameter MasterUsername must be provided",
        });
    if (inputs.skipFinalSnapshot === false && !set(inputs.finalSnapshotIdentifier))
        failures.push({
            property: "finalSnapshotIdentifier",
            reason: "RDS Cluster FinalSnapshotIdentifier is required when a final snapshot is required",
        });
    return failures;
}

function clusterInstanceRules(inputs: Inputs): SchemaFailure[] {
    // Aurora User Guide, "IAM database authentication": Aurora MySQL supports it on every instance
    // class except db.t2.small and db.t3.small.
    if (inputs.engine === "aurora-mysql" && ["db.t2.small", "db.t3.small"].includes(inputs.instanceClass))
        return [
            {
                property: "instanceClass",
                reason: `InvalidParameterCombination: IAM database authentication is not supported for Aurora MySQL on ${inputs.instanceClass}`,
            },
        ];
    return [];
}

function portRules(inputs: Inputs): SchemaFailure[] {
    const tcpOrUdp = ["tcp", "udp", "6", "17"].includes(String(inputs.ipProtocol));
    if (tcpOrUdp && (!set(inputs.fromPort) || !set(inputs.toPort)))
        return [
            {
                property: "fromPort",
                reason: "InvalidParameterValue: Invalid value for portRange. Must specify both from and to ports with TCP/UDP.",
            },
        ];
    return [];
}

function jsonDocument(property: string) {
    return (inputs: Inputs): SchemaFailure[] => {
        const value = inputs[property];
        if (typeof value !== "string") return [];
        try {
            JSON.parse(value);
            return [];
        } catch {
            return [
                {
                    property,
                    reason: `MalformedPolicyDocument: "${property}" contains an invalid JSON policy`,
                },
            ];
        }
    };
}

const APPLY_METHODS = ["immediate", "pending-reboot"];

function parameterRules(inputs: Inputs): SchemaFailure[] {
    const failures: SchemaFailure[] = [];
    for (const [i, p] of (Array.isArray(inputs.parameters) ? inputs.parameters : []).entries()) {
        if (p.applyMethod !== undefined && !APPLY_METHODS.includes(p.applyMethod))
            failures.push({
                property: `parameters[${i}].applyMethod`,
                reason: `expected apply_method to be one of ["immediate" "pending-reboot"], got ${p.applyMethod}`,
            });
        if (!set(p.name) || !set(p.value))
            failures.push({
                property: `parameters[${i}]`,
                reason: '"name" and "value": required fields are not set',
            });
    }
    return failures;
}

/**
 * RDS identifiers (terraform-provider-aws internal/service/rds/validate.go validIdentifier): lowercase
 * letters, digits and hyphens, a letter first, no "--", no trailing hyphen, at most 63 characters.
 */
function identifierFailures(property: string, value: unknown): SchemaFailure[] {
    if (typeof value !== "string") return [];
    const ok =
        /^[a-z][0-9a-z-]*$/.test(value) &&
        !value.includes("--") &&
        !value.endsWith("-") &&
        value.length <= 63;
    return ok
        ? []
        : [
              {
                  property,
                  reason: `"${property}" (${value}) must be an RDS identifier: lowercase letters, digits and hyphens, starting with a letter, no two hyphens in a row, not ending with one, at most 63 characters`,
              },
          ];
}

/** RDS API Reference, CreateDBProxy: the EngineFamily and DefaultAuthScheme values (proxy.go enum.Validate). */
const PROXY_ENGINE_FAMILIES = ["MYSQL", "POSTGRESQL", "SQLSERVER"];
const PROXY_DEFAULT_AUTH_SCHEMES = ["IAM_AUTH", "NONE"];

function proxyRules(inputs: Inputs): SchemaFailure[] {
    return identifierFailures("name", inputs.name);
}

function proxyTargetRules(inputs: Inputs): SchemaFailure[] {
    return [
        ...identifierFailures("dbProxyName", inputs.dbProxyName),
        ...identifierFailures("dbInstanceIdentifier", inputs.dbInstanceIdentifier),
        ...identifierFailures("dbClusterIdentifier", inputs.dbClusterIdentifier),
    ];
}

/** proxy_default_target_group.go: connection_pool_config's IntBetween ranges. */
function connectionPoolRules(inputs: Inputs): SchemaFailure[] {
    const pool = inputs.connectionPoolConfig ?? {};
    const failures = identifierFailures("dbProxyName", inputs.dbProxyName);
    for (const [k, [min, max]] of [
        ["maxConnectionsPercent", [1, 100]],
        ["maxIdleConnectionsPercent", [0, 100]],
        ["connectionBorrowTimeout", [0, 3600]],
    ] as const)
        if (pool[k] !== undefined && (Number(pool[k]) < min || Number(pool[k]) > max))
            failures.push({
                property: `connectionPoolConfig.${k}`,
                reason: `expected ${k} to be in the range (${min} - ${max}), got ${pool[k]}`,
            });
    return failures;
}

export const AWS_SCHEMA: Readonly<Record<string, TypeSchema>> = {
    "aws:rds/instance:Instance": {
        source: "internal/service/rds/instance.go; RDS API Reference CreateDBInstance",
        required: ["instanceClass"],
        enums: { engine: INSTANCE_ENGINES, storageType: ["standard", "gp2", "gp3", "io1", "io2"] },
        ranges: { backupRetentionPeriod: [0, 35] },
        forceNew: [
            "identifier",
            "identifierPrefix",
            "dbName",
            "username",
            "storageEncrypted",
            "kmsKeyId",
            "availabilityZone",
            "characterSetName",
            "engine",
        ],
        autoname: { property: "identifier", maxLength: 63, lowercase: true },
        validate: instanceCreateRules,
    },
    "aws:rds/cluster:Cluster": {
        source: "internal/service/rds/cluster.go; RDS API Reference CreateDBCluster",
        required: ["engine"],
        enums: { engine: ["aurora-mysql", "aurora-postgresql", "mysql", "postgres"] },
        ranges: { backupRetentionPeriod: [1, 35] },
        forceNew: [
            "clusterIdentifier",
            "clusterIdentifierPrefix",
            "databaseName",
            "masterUsername",
            "storageEncrypted",
            "kmsKeyId",
            "engine",
        ],
        autoname: { property: "clusterIdentifier", maxLength: 63, lowercase: true },
        validate: clusterCreateRules,
    },
    "aws:rds/clusterInstance:ClusterInstance": {
        source: "internal/service/rds/cluster_instance.go; RDS API Reference CreateDBInstance",
        required: ["clusterIdentifier", "instanceClass", "engine"],
        enums: { engine: ["aurora-mysql", "aurora-postgresql"] },
        forceNew: ["identifier", "identifierPrefix", "clusterIdentifier", "engine"],
        autoname: { property: "identifier", maxLength: 63, lowercase: true },
        validate: clusterInstanceRules,
    },
    "aws:rds/proxy:Proxy": {
        source: "internal/service/rds/proxy.go; RDS API Reference CreateDBProxy",
        required: ["engineFamily", "roleArn", "vpcSubnetIds"],
        enums: { engineFamily: PROXY_ENGINE_FAMILIES, defaultAuthScheme: PROXY_DEFAULT_AUTH_SCHEMES },
        forceNew: ["engineFamily", "vpcSubnetIds", "endpointNetworkType", "targetConnectionNetworkType"],
        // name is Required in terraform; the Pulumi bridge autonames it, and validIdentifier caps it at 63.
        autoname: { property: "name", maxLength: 63, lowercase: true },
        validate: proxyRules,
    },
    "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": {
        source: "internal/service/rds/proxy_default_target_group.go; RDS API Reference ModifyDBProxyTargetGroup",
        required: ["dbProxyName"],
        forceNew: ["dbProxyName"],
        validate: connectionPoolRules,
    },
    "aws:rds/proxyTarget:ProxyTarget": {
        source: "internal/service/rds/proxy_target.go; RDS API Reference RegisterDBProxyTargets",
        required: ["dbProxyName", "targetGroupName"],
        exactlyOneOf: [["dbInstanceIdentifier", "dbClusterIdentifier"]],
        forceNew: ["dbProxyName", "targetGroupName", "dbInstanceIdentifier", "dbClusterIdentifier"],
        validate: proxyTargetRules,
    },
    "aws:rds/parameterGroup:ParameterGroup": {
        source: "internal/service/rds/parameter_group.go",
        required: ["family"],
        forceNew: ["name", "namePrefix", "family", "description"],
        autoname: { property: "name", maxLength: 255, lowercase: true },
        validate: parameterRules,
    },
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": {
        source: "internal/service/rds/cluster_parameter_group.go",
        required: ["family"],
        forceNew: ["name", "namePrefix", "family", "description"],
        autoname: { property: "name", maxLength: 255, lowercase: true },
        validate: parameterRules,
    },
    "aws:rds/subnetGroup:SubnetGroup": {
        source: "internal/service/rds/subnet_group.go; RDS API Reference CreateDBSubnetGroup (subnets in at least two AZs)",
        required: ["subnetIds"],
        forceNew: ["name", "namePrefix"],
        autoname: { property: "name", maxLength: 255, lowercase: true },
        validate: (inputs) =>
            Array.isArray(inputs.subnetIds) && inputs.subnetIds.length < 2
                ? [
                      {
                          property: "subnetIds",
                          reason: "DBSubnetGroupDoesNotCoverEnoughAZs: The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: 1. Add subnets to cover at least 2 AZs.",
                      },
                  ]
                : [],
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        source: "internal/service/ec2/vpc_security_group.go",
        forceNew: ["name", "namePrefix", "description", "vpcId"],
        autoname: { property: "name", maxLength: 255 },
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        source: "internal/service/ec2/vpc_security_group_ingress_rule.go (ExactlyOneOf cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id)",
        required: ["securityGroupId", "ipProtocol"],
        exactlyOneOf: [["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"]],
        forceNew: ["securityGroupId"],
        validate: portRules,
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        source: "internal/service/ec2/vpc_security_group_egress_rule.go",
        required: ["securityGroupId", "ipProtocol"],
        exactlyOneOf: [["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"]],
        forceNew: ["securityGroupId"],
        validate: portRules,
    },
    "aws:iam/role:Role": {
        source: "internal/service/iam/role.go",
        required: ["assumeRolePolicy"],
        forceNew: ["name", "namePrefix", "path"],
        autoname: { property: "name", maxLength: 64 },
        validate: jsonDocument("assumeRolePolicy"),
    },
    "aws:iam/policy:Policy": {
        source: "internal/service/iam/policy.go",
        required: ["policy"],
        forceNew: ["name", "namePrefix", "path", "description"],
        autoname: { property: "name", maxLength: 128 },
        validate: jsonDocument("policy"),
    },
    "aws:iam/rolePolicy:RolePolicy": {
        source: "internal/service/iam/role_policy.go",
        required: ["role", "policy"],
        forceNew: ["name", "namePrefix", "role"],
        autoname: { property: "name", maxLength: 128 },
        validate: jsonDocument("policy"),
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        source: "internal/service/iam/role_policy_attachment.go",
        required: ["role", "policyArn"],
        forceNew: ["role", "policyArn"],
    },
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": {
        source: "internal/service/iam/user_policy_attachment.go",
        required: ["user", "policyArn"],
        forceNew: ["user", "policyArn"],
    },
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": {
        source: "internal/service/iam/group_policy_attachment.go",
        required: ["group", "policyArn"],
        forceNew: ["group", "policyArn"],
    },
    "aws:iam/instanceProfile:InstanceProfile": {
        source: "internal/service/iam/instance_profile.go",
        forceNew: ["name", "namePrefix", "path"],
        autoname: { property: "name", maxLength: 128 },
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        source: "internal/service/logs/group.go (retention_in_days IntInSlice)",
        enums: {
            retentionInDays: [
                0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                2922, 3288, 3653,
            ],
        },
        forceNew: ["name", "namePrefix"],
        autoname: { property: "name", maxLength: 512 },
    },
    "aws:lambda/function:Function": {
        source: "internal/service/lambda/function.go (ExactlyOneOf filename, image_uri, s3_bucket; runtime enum; memory_size 128-10240; timeout 1-900)",
        required: ["role"],
        enums: { runtime: LAMBDA_RUNTIMES },
        exactlyOneOf: [["code", "imageUri", "s3Bucket"]],
        ranges: { timeout: [1, 900], memorySize: [128, 10240] },
        forceNew: ["name"],
        autoname: { property: "name", maxLength: 64 },
        validate: (inputs) =>
            set(inputs.code) && !set(inputs.handler)
                ? [
                      {
                          property: "handler",
                          reason: "InvalidParameterValueException: The Handler parameter is required for a .zip deployment package",
                      },
                  ]
                : [],
    },
};

/** Every way `inputs` break the type's schema (unknown values during preview are not judged). */
export function schemaFailures(
    type: string,
    inputs: Inputs,
    isUnknown: (v: unknown) => boolean = () => false,
): SchemaFailure[] {
    const schema = AWS_SCHEMA[type];
    if (schema === undefined) return [];
    const failures: SchemaFailure[] = [];
    const known = (k: string) => !isUnknown(inputs[k]);
    for (const k of schema.required ?? [])
        if (!set(inputs[k]))
            failures.push({ property: k, reason: `"${k}": required field is not set (${schema.source})` });
    for (const [k, values] of Object.entries(schema.enums ?? {}))
        if (set(inputs[k]) && known(k) && !values.includes(inputs[k]))
            failures.push({
                property: k,
                reason: `expected ${k} to be one of [${values.join(" ")}], got ${inputs[k]} (${schema.source})`,
            });
    for (const group of schema.exactlyOneOf ?? []) {
        const given = group.filter((k) => set(inputs[k]));
        if (given.length !== 1)
            failures.push({
                property: group[0],
                reason: `exactly one of ${group.join(", ")} must be set, got ${given.length === 0 ? "none" : given.join(", ")} (${schema.source})`,
            });
    }
    for (const [a, b] of schema.conflicts ?? [])
        if (set(inputs[a]) && set(inputs[b]))
            failures.push({ property: a, reason: `"${a}": conflicts with ${b}` });
    for (const [k, [min, max]] of Object.entries(schema.ranges ?? {}))
        if (set(inputs[k]) && known(k) && (Number(inputs[k]) < min || Number(inputs[k]) > max))
            failures.push({
                property: k,
                reason: `expected ${k} to be in the range (${min} - ${max}), got ${inputs[k]}`,
            });
    const stillUnknown = Object.values(inputs).some((v) => isUnknown(v));
    if (!stillUnknown) failures.push(...(schema.validate?.(inputs) ?? []));
    return failures;
}
