// The build profile: which OpenPAYGO Metrics features the device module holds, chosen at build time
// with asc's --use NAME=VALUE (asconfig.json's targets; docs/profiles.md). A feature left out is
// compiled out, and its export returns ERR_METRICS_NOT_BUILT. Every flag defaults to "in", so the
// full build and AssemblyScript users who set none get everything.
//   OPAYGO_JSON, OPAYGO_CBOR       request encodings (at least one; answers are JSON in every build)
//   OPAYGO_SIMPLE                  the simple form (named variables, including ones outside the format)
//   OPAYGO_AUTH                    auth methods, one bit per METRICS_AUTH_* value (bit 0: none)
//   OPAYGO_ACCESSORIES             accessories' requests carried in `acc`
//   OPAYGO_FORMAT_OBJECT           the data format sent inline (`dfo`); without it, by id only
//   OPAYGO_ANSWER_OBJECTS          the answer's settings and extra data objects read by the host
//                                  (st.data_format_id is applied in every build)
//   OPAYGO_FLOATS                  readings as doubles (metrics_put_float), and numbers with a
//                                  fraction or an exponent in answers; without it, integers only
//                                  (no float parsing or printing in the module)
import { FEATURE_ACCESSORIES, FEATURE_ANSWER_OBJECTS, FEATURE_AUTH_SHIFT, FEATURE_CBOR, FEATURE_FLOATS, FEATURE_FORMAT_OBJECT, FEATURE_JSON,
  FEATURE_SIMPLE } from "./abi";

export const JSON_BUILT: bool = isDefined(OPAYGO_JSON) ? OPAYGO_JSON != 0 : true;
export const CBOR_BUILT: bool = isDefined(OPAYGO_CBOR) ? OPAYGO_CBOR != 0 : true;
export const SIMPLE_BUILT: bool = isDefined(OPAYGO_SIMPLE) ? OPAYGO_SIMPLE != 0 : true;
export const AUTH_BUILT: i32 = isDefined(OPAYGO_AUTH) ? OPAYGO_AUTH : 0x3f;
export const ACCESSORIES_BUILT: bool = isDefined(OPAYGO_ACCESSORIES) ? OPAYGO_ACCESSORIES != 0 : true;
export const FORMAT_OBJECT_BUILT: bool = isDefined(OPAYGO_FORMAT_OBJECT) ? OPAYGO_FORMAT_OBJECT != 0 : true;
export const ANSWER_OBJECTS_BUILT: bool = isDefined(OPAYGO_ANSWER_OBJECTS) ? OPAYGO_ANSWER_OBJECTS != 0 : true;
export const FLOATS_BUILT: bool = isDefined(OPAYGO_FLOATS) ? OPAYGO_FLOATS != 0 : true;

// @ts-ignore: decorator
@inline export function authBuilt(method: i32): bool { return (AUTH_BUILT & (1 << method)) != 0; }

// A profile that cannot encode a request is a mistake of the build, not of a call.
if (!JSON_BUILT && !CBOR_BUILT) ERROR("OPAYGO_JSON=0 and OPAYGO_CBOR=0: a profile needs one request encoding");
// The full build's byte layer and server read and write any JSON number.
if (OPAYGO_FULL && !FLOATS_BUILT) ERROR("OPAYGO_FLOATS=0 is a device profile's flag: the full build needs floats");

// The profile as the module reports it (metrics_features): a bitmask of FEATURE_*.
export const FEATURES: i32 = (JSON_BUILT ? FEATURE_JSON : 0) | (CBOR_BUILT ? FEATURE_CBOR : 0) | (SIMPLE_BUILT ? FEATURE_SIMPLE : 0) |
  (ACCESSORIES_BUILT ? FEATURE_ACCESSORIES : 0) | (FORMAT_OBJECT_BUILT ? FEATURE_FORMAT_OBJECT : 0) |
  (ANSWER_OBJECTS_BUILT ? FEATURE_ANSWER_OBJECTS : 0) | (FLOATS_BUILT ? FEATURE_FLOATS : 0) | ((AUTH_BUILT & 0x3f) << FEATURE_AUTH_SHIFT);
