// Entry of the rds-iam provider plugin. @pulumi/pulumi's run-plugin requires this file and calls the
// function it exports. The plugin runs the library's TypeScript sources from this checkout: tsx is
// registered here (the host's own TypeScript support needs ts-node, which rds-iam does not use).
require("tsx/cjs/api").register();
module.exports = require("./serve.ts").serve;
