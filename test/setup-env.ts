// The SDK warns once per process that its releases after January 2027 need Node >= 22. The project supports
// Node >= 20 (package.json engines; the Lambda runs nodejs22.x), so the warning is noise in test output.
// This is the SDK's own switch (@aws-sdk/core emitWarningIfUnsupportedVersion); child processes inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
