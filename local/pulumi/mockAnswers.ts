/**
 * What the mocks answer, as AWS and the providers would: realistic computed outputs (resource ids,
 * endpoints, managed master secrets, autonamed names), engine-version lookups and provider
 * configuration. Deterministic: the same names give the same ids.
 */
import * as crypto from "node:crypto";
import type { RecordedResource } from "./mocks";

export const ACCOUNT_ID = "123456789012";

/** A 26-character upper-case base32 id derived from a name, like a DbiResourceId's tail. */
export function fakeResourceSuffix(name: string): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const bytes = crypto.createHash("sha256").update(name).digest();
    return [...bytes.subarray(0, 26)].map((b) => alphabet[b % 32]).join("");
}

export function computedOutputs(
    type: string,
    name: string,
    inputs: Record<string, any>,
    region: string,
    partition: string,
): Record<string, any> {
    const suffix = fakeResourceSuffix(name);
    const host = `${name}.c0ffee0example.${region}.rds.amazonaws.com`;
    // RDS makes the managed master secret only with ManageMasterUserPassword; otherwise none is listed.
    const secret = (prefix: string) =>
        inputs.manageMasterUserPassword !== true
            ? []
            : [
                  {
                      secretArn: `arn:${partition}:secretsmanager:${region}:${ACCOUNT_ID}:secret:rds!${prefix}-${suffix.toLowerCase().slice(0, 8)}-AbCdEf`,
                      secretStatus: "active",
                      kmsKeyId: `arn:${partition}:kms:${region}:${ACCOUNT_ID}:key/00000000-1111-2222-3333-444444444444`,
                  },
              ];
    switch (type) {
        case "aws:rds/instance:Instance": {
            const port = inputs.port ?? (String(inputs.engine).includes("postgres") ? 5432 : 3306);
            return {
                resourceId: `db-${suffix}`,
                address: host,
                port,
                endpoint: `${host}:${port}`,
                identifier: name,
                arn: `arn:${partition}:rds:${region}:${ACCOUNT_ID}:db:${name}`,
                masterUserSecrets: secret(`db-${suffix}`),
            };
        }
        case "aws:rds/cluster:Cluster": {
            const port = inputs.port ?? (String(inputs.engine).includes("postgres") ? 5432 : 3306);
            const clusterHost = `${name}.cluster-c0ffee0example.${region}.rds.amazonaws.com`;
            return {
                clusterResourceId: `cluster-${suffix}`,
                endpoint: clusterHost,
                port,
                clusterIdentifier: name,
                readerEndpoint: clusterHost.replace(".cluster-", ".cluster-ro-"),
                arn: `arn:${partition}:rds:${region}:${ACCOUNT_ID}:cluster:${name}`,
                masterUserSecrets: secret(`cluster-${suffix}`),
            };
        }
        case "aws:rds/proxy:Proxy": {
            // RDS names a proxy's ARN by its prx- id (17 characters), its endpoint by its name.
            const proxyName = inputs.name ?? name;
            return {
                name: proxyName,
                arn: `arn:${partition}:rds:${region}:${ACCOUNT_ID}:db-proxy:prx-${suffix.toLowerCase().slice(0, 17)}`,
                endpoint: `${proxyName}.proxy-c0ffee0example.${region}.rds.amazonaws.com`,
            };
        }
        case "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup":
            return { name: "default" };
        case "aws:rds/clusterInstance:ClusterInstance":
            return { dbiResourceId: `db-${suffix}`, endpoint: host, identifier: name };
        case "aws:iam/role:Role":
            return {
                name,
                arn: `arn:${partition}:iam::${ACCOUNT_ID}:role/${name}`,
                uniqueId: `AROA${suffix.slice(0, 17)}`,
            };
        case "aws:lambda/function:Function": {
            // With publish: true the provider publishes version 1 on create (PublishVersion).
            const arn = `arn:${partition}:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
            const version = inputs.publish === true ? "1" : "$LATEST";
            return { name, arn, version, qualifiedArn: `${arn}:${version}`, codeSha256: inputs.codeSha256 };
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            return {
                name: inputs.name ?? name,
                arn: `arn:${partition}:logs:${region}:${ACCOUNT_ID}:log-group:${name}`,
            };
        case "aws:iam/policy:Policy":
            return {
                name,
                arn: `arn:${partition}:iam::${ACCOUNT_ID}:policy/${name}`,
                policyId: `ANPA${suffix.slice(0, 17)}`,
            };
        case "aws:iam/instanceProfile:InstanceProfile":
            return { name, arn: `arn:${partition}:iam::${ACCOUNT_ID}:instance-profile/${name}` };
        case "aws:ec2/securityGroup:SecurityGroup":
            return {
                arn: `arn:${partition}:ec2:${region}:${ACCOUNT_ID}:security-group/sg-${suffix.toLowerCase().slice(0, 17)}`,
            };
        case "random:index/randomId:RandomId": {
            const hex = crypto
                .createHash("sha256")
                .update(name)
                .digest("hex")
                .slice(0, 2 * Number(inputs.byteLength ?? 8));
            const bytes = Buffer.from(hex, "hex");
            return {
                hex,
                b64Std: bytes.toString("base64"),
                b64Url: bytes.toString("base64url"),
                dec: BigInt(`0x${hex}`).toString(),
            };
        }
        case "random:index/randomPassword:RandomPassword": {
            // Deterministic per name, of the asked length and alphabet (terraform-provider-random).
            const alphabet = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789${inputs.special === false ? "" : String(inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?")}`;
            const bytes = crypto.createHash("sha512").update(name).digest();
            const result = Array.from(
                { length: Number(inputs.length) },
                (_, i) => alphabet[bytes[i % bytes.length] % alphabet.length],
            ).join("");
            return { result };
        }
        case "aws:rds/subnetGroup:SubnetGroup":
        case "aws:rds/parameterGroup:ParameterGroup":
        case "aws:rds/clusterParameterGroup:ClusterParameterGroup":
            return { name };
        default:
            return {};
    }
}

/**
 * The AWS provider's answers to the invokes that read the caller's account and place: getRegion
 * (the provider's region), getCallerIdentity (the deployer in ACCOUNT_ID) and getPartition; undefined
 * for other tokens.
 */
export function callerAnswer(
    token: string,
    region: string,
    partition: string,
): Record<string, unknown> | undefined {
    switch (token) {
        case "aws:index/getRegion:getRegion":
            return {
                name: region,
                region,
                id: region,
                endpoint: `ec2.${region}.amazonaws.com`,
                description: region,
            };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                accountId: ACCOUNT_ID,
                arn: `arn:${partition}:iam::${ACCOUNT_ID}:user/deployer`,
                userId: "AIDAEXAMPLE",
                id: ACCOUNT_ID,
            };
        case "aws:index/getPartition:getPartition":
            return {
                partition,
                dnsSuffix: partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
                id: partition,
            };
        default:
            return undefined;
    }
}

export function idFor(type: string, name: string): string {
    if (type === "aws:ec2/securityGroup:SecurityGroup") {
        return `sg-${fakeResourceSuffix(name).toLowerCase().slice(0, 17)}`;
    }
    return `${name}-id`;
}

/**
 * AWS's default version per parameter-group family, as `describe-db-engine-versions --default-only`
 * answered in 2026 (a snapshot for tests: the program never writes these down itself).
 */
export const DEFAULT_ENGINE_VERSIONS: Readonly<Record<string, string>> = {
    "mysql8.4": "8.4.5",
    "mysql8.0": "8.0.42",
    "mariadb11.4": "11.4.5",
    "mariadb10.11": "10.11.11",
    postgres17: "17.4",
    postgres16: "16.8",
    "aurora-mysql8.0": "8.0.mysql_aurora.3.10.0",
    "aurora-mysql5.7": "5.7.mysql_aurora.2.12.5",
    "aurora-postgresql17": "17.4",
    "aurora-postgresql16": "16.8",
    "aurora-postgresql15": "15.12",
};

/** getEngineVersion as the AWS provider answers it: by family (or version prefix), or an error when nothing matches. */
export function engineVersionAnswer(inputs: Record<string, any>): Record<string, unknown> {
    const family: string | undefined =
        inputs.parameterGroupFamily ??
        Object.keys(DEFAULT_ENGINE_VERSIONS).find(
            (f) =>
                f.startsWith(String(inputs.engine)) &&
                DEFAULT_ENGINE_VERSIONS[f].startsWith(String(inputs.version ?? "")),
        );
    const version = family === undefined ? undefined : DEFAULT_ENGINE_VERSIONS[family];
    if (version === undefined || (family !== undefined && !family.startsWith(String(inputs.engine)))) {
        throw new Error(
            `reading RDS Engine Version: no RDS engine versions match the criteria (engine ${inputs.engine}, family ${family})`,
        );
    }
    return {
        ...inputs,
        id: version,
        engine: inputs.engine,
        version,
        versionActual: version,
        parameterGroupFamily: family,
        status: "available",
    };
}

/**
 * aws.Provider.terraformConfig() as the bridged provider answers it: the provider's configuration in
 * Terraform's snake_case (complex values are JSON strings among a provider's inputs).
 */
export async function awsTerraformConfig(
    resources: RecordedResource[],
    self: any,
): Promise<Record<string, unknown>> {
    const urn = self?.urn ? await self.urn.promise() : undefined;
    const provider = resources.find(
        (r) => r.type === "pulumi:providers:aws" && (urn === undefined || r.urn === urn),
    );
    const inputs = provider?.inputs ?? {};
    const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
    const roles = (json(inputs.assumeRoles) ?? []) as Record<string, string>[];
    return {
        result: {
            region: inputs.region,
            profile: inputs.profile,
            shared_config_files: json(inputs.sharedConfigFiles),
            shared_credentials_files: json(inputs.sharedCredentialsFiles),
            assume_role: roles.map((r) => ({
                role_arn: r.roleArn,
                session_name: r.sessionName,
                external_id: r.externalId,
            })),
        },
    };
}
