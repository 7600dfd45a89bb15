// The server side of OpenPAYGO Metrics, for a platform: verify a device's request (signature and
// replay), expand it to the simple form, and build the signed answer.
export { verifyRequest, expandRequest, buildAnswer, canonicalRequest, canonicalJson } from "./metrics.js";
export type { RequestInput, Verification, VerifyOptions, VerifyResult, ExpandOptions, AnswerOptions } from "./metrics.js";
