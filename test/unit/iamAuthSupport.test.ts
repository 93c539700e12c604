/**
 * IAM database authentication is not offered everywhere (#23.3): a Database is refused at preview,
 * naming the input and the alternatives, instead of failing its users with 1524 after minutes of
 * retry. Sources: RDS User Guide, "Supported Regions and DB engines for IAM database authentication
 * in Amazon RDS" (RDS for MariaDB: none in Hyderabad or Melbourne; no 10.11 in Malaysia, New Zealand
 * or Taipei); Aurora User Guide, "IAM database authentication" (Aurora MySQL: every instance class
 * except db.t2.small and db.t3.small).
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseArgs } from "../../components/database";
import { iamAuthSupportFailures } from "../../components/iamAuthSupport";
import { installMocks, settle } from "../../local/pulumi/mocks";

const network = { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-a", "subnet-b"] };
const PEM = "-----BEGIN CERTIFICATE-----\nMIIBprivateCA\n-----END CERTIFICATE-----\n";
const SOURCE =
    '(RDS User Guide, "Supported Regions and DB engines for IAM database authentication in Amazon RDS")';

/** The failures a Database with these Args is refused with in `region`, as [property, reason]. */
function refusal(region: string, args: Partial<DatabaseArgs>): string[][] {
    installMocks({ region });
    pulumi.runtime.setAllConfig({ "aws:region": region });
    try {
        new Database("orders", {
            engine: "mariadb",
            ...network,
            caCertificate: PEM,
            ...args,
        } as DatabaseArgs);
    } catch (e) {
        assert.ok(pulumi.InputPropertiesError.isInstance(e), String(e));
        return (e as pulumi.InputPropertiesError).errors.map((f) => [f.propertyPath, f.reason]);
    }
    return [];
}

describe("IAM database authentication where RDS offers it (#23.3)", () => {
    afterEach(async () => {
        await settle();
        pulumi.runtime.setAllConfig({});
    });

    it("refuses RDS for MariaDB in Asia Pacific (Hyderabad), which has no IAM authentication for any version, naming the engines that have it", () => {
        assert.deepEqual(refusal("ap-south-2", {}), [
            [
                "engine",
                `RDS for MariaDB has no IAM database authentication in ap-south-2, Asia Pacific (Hyderabad), for any version ${SOURCE}; choose engine mysql, postgres, aurora-mysql or aurora-postgresql, or deploy the stack in another region`,
            ],
        ]);
        assert.equal(refusal("ap-southeast-4", {})[0][1].includes("Asia Pacific (Melbourne)"), true);
    });

    it("refuses MariaDB 10.11 in Asia Pacific (New Zealand), naming the versions that have it there", () => {
        assert.deepEqual(refusal("ap-southeast-6", { engineVersion: "10.11" }), [
            [
                "engineVersion",
                `MariaDB 10.11 has no IAM database authentication in ap-southeast-6, Asia Pacific (New Zealand) ${SOURCE}; set engineVersion to "11.8" or "11.4", or deploy the stack in another region`,
            ],
        ]);
    });

    it("accepts MariaDB 11.8 there and 10.11 where the table lists it", () => {
        assert.deepEqual(refusal("ap-southeast-6", { engineVersion: "11.8" }), []);
        assert.deepEqual(refusal("eu-west-1", { engineVersion: "10.11" }), []);
        assert.deepEqual(refusal("ap-south-2", { engine: "postgres" }), []);
    });

    it("refuses Aurora MySQL on db.t3.small and db.t2.small, and accepts db.t3.medium", () => {
        const onClass = (instanceClass: string) =>
            refusal("eu-west-1", { engine: "aurora-mysql", databaseName: "app", instanceClass });
        assert.deepEqual(onClass("db.t3.small"), [
            [
                "instanceClass",
                'Aurora MySQL has no IAM database authentication on db.t3.small (Aurora User Guide, "IAM database authentication": every instance class supports it except db.t2.small and db.t3.small); choose another instance class such as "db.t4g.medium" (the default) or "db.t3.medium"',
            ],
        ]);
        assert.equal(onClass("db.t2.small").length, 1);
        assert.deepEqual(onClass("db.t3.medium"), []);
    });

    it("checks the region an explicit provider answers with before any user is made, and registers no user", async () => {
        const session = installMocks({ region: "ap-south-2" });
        const aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
        const provider = new aws.Provider("hyd", { region: "ap-south-2" });
        const db = new Database(
            "orders",
            { engine: "mariadb", ...network, caCertificate: PEM, users: [{ username: "app_rw" }] },
            { providers: [provider] },
        );
        await assert.rejects(
            (db.users.app_rw.id as unknown as { promise(): Promise<string> }).promise(),
            /RDS for MariaDB has no IAM database authentication in ap-south-2/,
        );
        await settle();
        assert.deepEqual(
            session.resources.filter((r) => r.type.includes("DatabaseUser")),
            [],
        );
    });

    it("leaves the region rule to the provider's answer when the region is not known yet", () => {
        assert.deepEqual(iamAuthSupportFailures("mariadb", "10.11", undefined, undefined), []);
    });
});
