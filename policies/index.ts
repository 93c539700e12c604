// The rds-iam CrossGuard policy pack: `pulumi preview --policy-pack policies`. Rules live in rules/.
import { PolicyPack } from "@pulumi/policy";
import { resourceRules, stackRules } from "./rules";

new PolicyPack("rds-iam", { policies: [...resourceRules, ...stackRules] });
